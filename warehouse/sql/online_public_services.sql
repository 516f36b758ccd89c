-- mart.online_public_services: per 2025 ward and month of submission, the dossiers received, the
-- share submitted online, the share whose procedure is offered at online level 3-4, the share resolved
-- on time (among resolved), against the city target. Open dossiers are re-delivered with their new
-- state, so only the latest delivery of each record_id counts (delivery ids sort by delivery date).
WITH latest AS (
    SELECT *
    FROM staging.procedure_records
    QUALIFY row_number() OVER (PARTITION BY record_id ORDER BY source_delivery DESC) = 1
)
SELECT
    ward_code,
    CAST(date_trunc('month', submitted_at) AS DATE) AS month,
    CAST(count(*) AS BIGINT) AS procedures_received,
    avg(CASE WHEN channel = 'online' THEN 1.0 ELSE 0.0 END) AS share_online,
    avg(CASE WHEN online_service_level >= 3 THEN 1.0 ELSE 0.0 END) AS share_level_3_4,
    avg(CASE WHEN resolved_on_time THEN 1.0 ELSE 0.0 END) FILTER (WHERE resolved_at IS NOT NULL)
        AS share_resolved_on_time,
    CAST($target AS DOUBLE) AS city_target,
    avg(CASE WHEN channel = 'online' THEN 1.0 ELSE 0.0 END) < $target AS below_target
FROM latest
GROUP BY ALL
ORDER BY ward_code, month
