"""One clean delivered row (as text, the way a file carries it) per dataset, for contract tests.

Identifiers are built by hand from ../shared/reference/vietnam-rules.md:
- 001225000001: Hanoi (001), 4th digit 2 = male born 2000-2099, 25 = 2025.
- 001325000011: Hanoi, 3 = female born 2000-2099, 2025.
- 001195000002: Hanoi, 1 = female born 1900-1999, 95 = 1995.
- 001088000033: Hanoi, 0 = male born 1900-1999, 88 = 1988.
- 0100109106: check digit = 10 - (0·31+1·29+0·23+0·19+1·17+0·13+9·7+1·5+0·3 mod 11)
  = 10 - (114 mod 11) = 10 - 4 = 6.
Old-era keys: district 001 (Ba Đình) + ward 00001 (Phúc Xá); 2025 key: ward 00004 (Phường Ba Đình).
"""

OLD_ERA = {"district_code": "001", "ward_code": "00001"}
NEW_ERA = {"ward_code": "00004"}

BIRTH = {
    "registration_number": "12/2025", "registration_date": "02/06/2025", **OLD_ERA,
    "child_full_name": "Nguyễn Văn An", "child_sex": "Nam", "child_date_of_birth": "01/05/2025",
    "child_place_of_birth": "Bệnh viện Phụ sản Hà Nội", "child_ethnicity": "Kinh",
    "child_nationality": "Việt Nam", "child_personal_id": "001225000001",
    "mother_full_name": "Trần Thị Bình", "mother_birth_year": "1995", "mother_personal_id": "001195000002",
    "father_full_name": "Nguyễn Văn Cường", "father_birth_year": "1988", "father_personal_id": "001088000033",
}
DEATH = {
    "registration_number": "7/2025", "registration_date": "2025-07-03", **NEW_ERA,
    "deceased_full_name": "Lê Văn Dũng", "deceased_sex": "Nam", "deceased_date_of_birth": "1988-03-04",
    "deceased_personal_id": "001088000033", "date_of_death": "2025-07-01", "place_of_death": "Tại nhà",
}
MARRIAGE = {
    "registration_number": "30/2025", "registration_date": "2025-07-03", **NEW_ERA,
    "husband_full_name": "Phạm Minh Đức", "husband_date_of_birth": "1988-01-02",
    "husband_personal_id": "001088000033", "wife_full_name": "Vũ Thị Hằng",
    "wife_date_of_birth": "1995-05-06", "wife_personal_id": "001195000002",
}
PERMIT = {
    "permit_number": "101/GPXD", "issue_date": "2025-07-02", **NEW_ERA, "parcel_id": "00004-12-345",
    "use_type": "residential", "floors": "5", "floor_area_m2": "420.5", "status": "issued",
}
PARCEL = {"parcel_id": "00001-3-77", **OLD_ERA, "zoning_class": "R", "area_m2": "96.4", "surveyed_on": "2024-11-20"}
AIR = {
    "refDevice": "HN-AQ-001", "dateObserved": "2025-07-02T10:00:00+07:00", "wardCode": "00004",
    "pm25": "41.2", "pm10": "63.0", "no2": "35.1", "so2": "9.8", "co": "1020.0", "o3": "58.3",
    "temperature": "31.2", "relativeHumidity": "0.74",
}
BUSINESS = {
    "tax_code": "0100109106", "business_name": "Công ty TNHH Sông Hồng", **NEW_ERA, "vsic_code": "4711",
    "registration_date": "2025-07-02", "status": "active",
}
PAYMENT = {
    "payment_id": "KB000000000123", "tax_code": "0100109106", "period": "2025-06", "tax_type": "VAT",
    "amount_vnd": "15000000", "paid_on": "2025-07-02",
}
TRAFFIC = {
    "counter_id": "HN-TC-0001", **NEW_ERA, "window_start": "2025-07-02T07:00:00",
    "window_end": "2025-07-02T08:00:00", "vehicle_type": "motorcycle", "intensity": "2400",
    "average_speed_kmh": "23.5",
}
STOP = {"stop_id": "HN-S0001", "stop_name": "Bờ Hồ", **NEW_ERA, "stop_lat": "21.0285", "stop_lon": "105.8523"}
TAP = {"card_id": "1234567890", "route_id": "32", "stop_id": "HN-S0001", "tapped_at": "2025-07-02T07:15:03"}
PROCEDURE = {
    "record_id": "H01-250702-000001", "procedure_code": "1.001193", **NEW_ERA,
    "submitted_at": "2025-07-02T09:00:00", "channel": "online", "online_service_level": "4",
    "due_at": "2025-07-09T17:00:00", "resolved_at": "2025-07-04T10:00:00", "resolved_on_time": "true",
}
