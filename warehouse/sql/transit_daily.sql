-- mart.transit_daily: boardings per service date, route and stop (GTFS-ride board_alight style).
-- Source: staging.fare_card_taps (taps already aggregated per hour, card ids never shared),
-- located by staging.transit_stops (latest stop list); a stop missing from it keeps a NULL ward.
SELECT
    b.service_date,
    b.route_id,
    b.stop_id,
    s.ward_code,
    CAST(SUM(b.boardings) AS BIGINT) AS boardings
FROM staging.fare_card_taps AS b
LEFT JOIN staging.transit_stops AS s USING (stop_id)
GROUP BY ALL
ORDER BY service_date, route_id, stop_id
