-- mart.ward_profile: one row per 2025 ward and month, joining what each agency published.
-- Geography: staging already put every row on its 2025 ward. Rows dated before 1 July 2025 were keyed
-- by the old district + ward; a row of an old ward that was split across several new wards counts
-- wholly in the successor marked is_default in ref.ward_crosswalk (no fractional apportioning of
-- records). Civil-status counts of 1-4 are suppressed (NULL, civil_status_suppressed = true).
WITH months AS (
    SELECT DISTINCT CAST(date_trunc('month', d) AS DATE) AS month
    FROM (
        SELECT registration_month AS d FROM staging.birth_registrations
        UNION ALL SELECT registration_month FROM staging.death_registrations
        UNION ALL SELECT registration_month FROM staging.marriage_registrations
        UNION ALL SELECT issue_date FROM staging.construction_permits
        UNION ALL SELECT date FROM mart.air_quality_daily
        UNION ALL SELECT paid_on FROM staging.tax_payments
        UNION ALL SELECT service_date FROM mart.transit_daily
        UNION ALL SELECT CAST(window_start AS DATE) FROM staging.traffic_counts
    )
),
grid AS (
    SELECT w.ward_code, w.ward_name, m.month FROM ref.wards_2025 AS w CROSS JOIN months AS m
),
civil AS (
    SELECT ward_code, registration_month AS month,
           count(*) FILTER (WHERE kind = 'birth') AS births,
           count(*) FILTER (WHERE kind = 'death') AS deaths,
           count(*) FILTER (WHERE kind = 'marriage') AS marriages
    FROM (
        SELECT ward_code, registration_month, 'birth' AS kind FROM staging.birth_registrations
        UNION ALL SELECT ward_code, registration_month, 'death' FROM staging.death_registrations
        UNION ALL SELECT ward_code, registration_month, 'marriage' FROM staging.marriage_registrations
    )
    GROUP BY ALL
),
permits AS (
    SELECT ward_code, CAST(date_trunc('month', issue_date) AS DATE) AS month,
           count(*) AS permits_issued, sum(floor_area_m2) AS permitted_floor_area_m2
    FROM staging.construction_permits GROUP BY ALL
),
air AS (
    SELECT ward_code, CAST(date_trunc('month', date) AS DATE) AS month,
           avg(vn_aqi) AS aqi_mean, max(vn_aqi) AS aqi_max,
           count(DISTINCT date) FILTER (WHERE vn_aqi > 100) AS days_aqi_above_100
    FROM mart.air_quality_daily GROUP BY ALL
),
businesses AS (
    SELECT g.ward_code, g.month, count(b.taxpayer_key) AS active_businesses
    FROM grid AS g
    LEFT JOIN staging.business_registrations AS b
        ON b.ward_code = g.ward_code AND b.status = 'active'
       AND b.registration_date < g.month + INTERVAL 1 MONTH
    GROUP BY ALL
),
tax AS (
    SELECT r.ward_code, CAST(date_trunc('month', p.paid_on) AS DATE) AS month,
           sum(p.amount_vnd) AS tax_collected_vnd
    FROM staging.tax_payments AS p
    JOIN staging.business_registrations AS r USING (taxpayer_key)
    GROUP BY ALL
),
transit AS (
    SELECT ward_code, CAST(date_trunc('month', service_date) AS DATE) AS month, sum(boardings) AS boardings
    FROM mart.transit_daily WHERE ward_code IS NOT NULL GROUP BY ALL
),
traffic AS (
    SELECT ward_code, CAST(date_trunc('month', window_start) AS DATE) AS month, sum(intensity) AS intensity
    FROM staging.traffic_counts GROUP BY ALL
)
SELECT
    g.ward_code,
    g.ward_name,
    g.month,
    CAST(CASE WHEN coalesce(c.births, 0) BETWEEN 1 AND $small - 1 THEN NULL ELSE coalesce(c.births, 0) END AS BIGINT) AS births,
    CAST(CASE WHEN coalesce(c.deaths, 0) BETWEEN 1 AND $small - 1 THEN NULL ELSE coalesce(c.deaths, 0) END AS BIGINT) AS deaths,
    CAST(CASE WHEN coalesce(c.marriages, 0) BETWEEN 1 AND $small - 1 THEN NULL ELSE coalesce(c.marriages, 0) END AS BIGINT) AS marriages,
    coalesce(c.births BETWEEN 1 AND $small - 1 OR c.deaths BETWEEN 1 AND $small - 1
             OR c.marriages BETWEEN 1 AND $small - 1, false) AS civil_status_suppressed,
    CAST(coalesce(p.permits_issued, 0) AS BIGINT) AS permits_issued,
    CAST(coalesce(p.permitted_floor_area_m2, 0) AS DOUBLE) AS permitted_floor_area_m2,
    CAST(a.aqi_mean AS DOUBLE) AS aqi_mean,
    CAST(a.aqi_max AS BIGINT) AS aqi_max,
    CAST(a.days_aqi_above_100 AS BIGINT) AS days_aqi_above_100,
    CAST(b.active_businesses AS BIGINT) AS active_businesses,
    CAST(coalesce(t.tax_collected_vnd, 0) AS BIGINT) AS tax_collected_vnd,
    CAST(coalesce(tr.boardings, 0) AS BIGINT) AS transit_boardings,
    CAST(coalesce(tf.intensity, 0) AS BIGINT) AS traffic_intensity
FROM grid AS g
LEFT JOIN civil AS c USING (ward_code, month)
LEFT JOIN permits AS p USING (ward_code, month)
LEFT JOIN air AS a USING (ward_code, month)
LEFT JOIN businesses AS b USING (ward_code, month)
LEFT JOIN tax AS t USING (ward_code, month)
LEFT JOIN transit AS tr USING (ward_code, month)
LEFT JOIN traffic AS tf USING (ward_code, month)
ORDER BY g.ward_code, g.month
