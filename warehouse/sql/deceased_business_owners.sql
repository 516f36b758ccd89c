-- mart.deceased_business_owners: active household businesses whose owner's death has been registered,
-- per 2025 ward of the business and month of death. Since 1 July 2025 an individual's tax number is
-- the personal ID (Circular 86/2024), and civil status and tax publish the same keyed pseudonym of it:
-- the agencies' tables join on pseudonyms, no personal ID leaves the restricted zone.
-- Counts of 1-4 are suppressed (NULL, suppressed = true); $small is the threshold (5).
WITH owners_deceased AS (
    SELECT b.ward_code, d.death_month AS month, count(DISTINCT b.taxpayer_key) AS n
    FROM staging.death_registrations AS d
    JOIN staging.business_registrations AS b ON b.taxpayer_key = d.deceased_pseudonym
    WHERE b.taxpayer_type = 'individual' AND b.status = 'active'
    GROUP BY ALL
)
SELECT ward_code, CAST(month AS DATE) AS month,
       CASE WHEN n >= $small THEN n END AS active_businesses,
       n < $small AS suppressed
FROM owners_deceased
ORDER BY ward_code, month
