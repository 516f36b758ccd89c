"""What Hanoi's taxpayers look like: business kinds, VSIC 2018 activities, brand words, tax amounts."""

from __future__ import annotations

import numpy as np

KINDS = {"tnhh": 50, "cp": 16, "household": 34}

# (VSIC 2018 code, the activity as it appears in a company name, relative frequency)
SECTORS = [
    ("4101", "Xây dựng", 5), ("4102", "Đầu tư Xây dựng", 4), ("4321", "Lắp đặt Điện", 2),
    ("4330", "Hoàn thiện Nội thất", 2), ("4520", "Dịch vụ Ô tô", 2), ("4530", "Phụ tùng Ô tô", 1),
    ("4610", "Thương mại", 6), ("4632", "Thực phẩm", 3), ("4641", "Dệt may", 2),
    ("4649", "Thương mại Tổng hợp", 6), ("46493", "Mỹ phẩm", 2), ("4651", "Thiết bị Tin học", 2),
    ("4659", "Thiết bị Công nghiệp", 3), ("4663", "Vật liệu Xây dựng", 3), ("4690", "Xuất nhập khẩu", 4),
    ("4711", "Siêu thị", 1), ("47110", "Bán lẻ Tổng hợp", 1), ("4771", "Thời trang", 2),
    ("4933", "Vận tải", 3), ("49312", "Taxi", 1), ("5210", "Kho vận", 1), ("5510", "Khách sạn", 2),
    ("5610", "Nhà hàng", 2), ("56101", "Ẩm thực", 1), ("6201", "Phần mềm", 3),
    ("62010", "Công nghệ Phần mềm", 2), ("6202", "Giải pháp Công nghệ", 2), ("6311", "Dữ liệu", 1),
    ("6810", "Bất động sản", 3), ("6820", "Môi giới Bất động sản", 2), ("6910", "Luật", 1),
    ("7020", "Tư vấn Quản lý", 3), ("7110", "Kiến trúc", 2), ("7310", "Quảng cáo", 2),
    ("7490", "Tư vấn", 2), ("7912", "Du lịch", 2), ("8299", "Dịch vụ", 3), ("8559", "Giáo dục", 2),
    ("8620", "Phòng khám", 1), ("1071", "Bánh kẹo", 1), ("1410", "May mặc", 1), ("2511", "Cơ khí", 1),
    ("3100", "Nội thất", 1),
]
# Household businesses: shops, eateries, services.
HOUSEHOLD_VSIC = ["4711", "47110", "4722", "4723", "4752", "4771", "4773", "5610", "56101", "5630",
                  "9610", "9631", "4520", "9521", "1071", "4781"]

BRANDS = ["Thành Công", "Hưng Thịnh", "An Phát", "Minh Long", "Hoàng Gia", "Việt Tiến", "Đại Dương",
          "Phú Gia", "Thăng Long", "Hà Thành", "Sông Hồng", "Tràng An", "Kinh Bắc", "Ánh Dương",
          "Sao Việt", "Tân Phát", "Bảo An", "Phúc Lộc", "Hải Đăng", "Nam Việt", "Trường Thịnh",
          "Toàn Cầu", "Quốc tế Hà Nội", "Thịnh Vượng", "Hồng Hà", "Đông Á", "Long Biên", "Tây Hồ",
          "Vạn Xuân", "Phương Đông", "Bình Minh", "Kim Ngân", "An Khang", "Gia Phát", "Hợp Nhất",
          "Tiến Đạt", "Minh Khang", "Việt Hưng", "Hưng Long", "Đức Thành", "Thủ Đô", "Hà Nội Xanh",
          "Bắc Hà", "Ngọc Linh", "Trí Việt", "Tâm An", "Phú Thịnh", "Vĩnh Phát"]

TAX_TYPES = [("VAT", 40), ("PIT", 24), ("CIT", 13), ("licence_fee", 7), ("land_use", 6),
             ("environment_protection", 6), ("special_consumption", 4)]
# median amount (VND) and log-spread per tax type: right-skewed, a few very large payers
_AMOUNTS = {"VAT": (22e6, 1.7), "PIT": (4.5e6, 1.5), "CIT": (35e6, 1.9), "licence_fee": (1e6, 0.1),
            "land_use": (15e6, 1.6), "environment_protection": (3e6, 1.5), "special_consumption": (80e6, 2.0)}


def payment_amounts(rng: np.random.Generator, tax_type: np.ndarray) -> np.ndarray:
    median = np.array([_AMOUNTS[t][0] for t in tax_type])
    sigma = np.array([_AMOUNTS[t][1] for t in tax_type])
    amount = median * np.exp(sigma * rng.standard_normal(len(tax_type)))
    return np.clip(np.round(amount, -3), 50_000, 5e11)


def licence_fee(rng: np.random.Generator, household: np.ndarray) -> np.ndarray:
    """Decree 139/2016 scale: 300k/500k/1M a year for households, 2M/3M for companies."""
    hh = np.array([300_000, 500_000, 1_000_000])[rng.integers(0, 3, len(household))]
    co = np.array([2_000_000, 3_000_000])[rng.integers(0, 2, len(household))]
    return np.where(household, hh, co)
