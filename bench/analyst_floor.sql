-- The analyst floor: the one DuckDB script a skilled analyst without slreport would write over the export.
-- It does nearly all of the report's heavy work, as cheaply as it can be written: no validation, no row
-- accounting, no JSON. bench/run.py fills in {source} (read_csv/read_parquet of the input) and {tz} (the
-- report's zone), runs every statement in order on a fresh in-memory DuckDB and fetches every result.

-- Each inbound contact with its local wall time and the gap to the same caller's next contact.
CREATE TEMP TABLE contacts AS
SELECT company, outcome, wait_s, agent,
       talk_s + coalesce(hold_s, 0) + coalesce(acw_s, 0) AS handle_s,
       CAST(resolved AS VARCHAR) IN ('Y', 'y', 'true', '1') AS flagged,
       timezone('{tz}', arrived_at) AS local_at,
       lead(arrived_at) OVER (PARTITION BY company, caller ORDER BY arrived_at) - arrived_at AS gap
FROM {source}
WHERE direction = 'inbound';

-- 15-minute cells per company: the SL (80/20, short abandons within 5 s), FCR, ASA and AHT counts.
CREATE TEMP TABLE cells AS
SELECT company, time_bucket(INTERVAL 15 MINUTE, local_at) AS interval_start,
       count(*) AS offered,
       count(*) FILTER (WHERE outcome = 'answered') AS answered,
       count(*) FILTER (WHERE outcome = 'abandoned') AS abandoned,
       count(*) FILTER (WHERE outcome = 'abandoned' AND wait_s <= 5) AS short_abandoned,
       count(*) FILTER (WHERE outcome = 'answered' AND wait_s <= 20) AS answered_within,
       sum(wait_s) FILTER (WHERE outcome = 'answered') AS answered_wait_s,
       sum(handle_s) FILTER (WHERE outcome = 'answered') AS handle_s,
       count(handle_s) FILTER (WHERE outcome = 'answered') AS handled,
       max(wait_s) AS max_wait_s,
       count(*) FILTER (WHERE outcome = 'answered' AND (gap IS NULL OR gap > INTERVAL 72 HOUR)) AS repeat_free,
       count(*) FILTER (WHERE outcome = 'answered' AND flagged) AS flagged_resolved,
       count(DISTINCT agent) AS agents
FROM contacts
GROUP BY ALL;

-- By company (and the total), by hour, by day, by interval.
SELECT company, sum(offered), sum(answered), sum(abandoned), sum(short_abandoned), sum(answered_within),
       sum(answered_wait_s) / sum(answered), sum(handle_s) / sum(handled), max(max_wait_s),
       sum(repeat_free), sum(flagged_resolved)
FROM cells GROUP BY ROLLUP (company);

CREATE TEMP TABLE hours AS
SELECT company, date_trunc('hour', interval_start) AS hour, sum(offered) AS offered, sum(answered) AS answered,
       sum(abandoned) AS abandoned, sum(short_abandoned) AS short_abandoned, sum(answered_within) AS within,
       sum(answered_wait_s) / sum(answered) AS asa_s, sum(handle_s) / sum(handled) AS aht_s,
       max(max_wait_s) AS max_wait_s
FROM cells GROUP BY ALL;
SELECT * FROM hours;

CREATE TEMP TABLE days AS
SELECT company, CAST(interval_start AS DATE) AS day, sum(offered) AS offered, sum(answered) AS answered,
       sum(abandoned) AS abandoned, sum(short_abandoned) AS short_abandoned, sum(answered_within) AS within,
       sum(answered_wait_s) / sum(answered) AS asa_s, sum(handle_s) / sum(handled) AS aht_s,
       max(max_wait_s) AS max_wait_s, sum(repeat_free) AS repeat_free, sum(flagged_resolved) AS flagged_resolved
FROM cells GROUP BY ALL;
SELECT * FROM days;

SELECT * FROM cells;

-- The five busiest intervals per company.
SELECT * FROM cells QUALIFY row_number() OVER (PARTITION BY company ORDER BY offered DESC, interval_start) <= 5;

-- The average week: mean offered per weekday × clock hour, over the days of that weekday.
SELECT company, isodow(hour) AS weekday, hour(hour) AS clock_hour, sum(offered) / count(DISTINCT CAST(hour AS DATE))
FROM hours GROUP BY ALL;

-- The busiest clock hour of each day.
SELECT company, CAST(hour AS DATE) AS day, arg_max(hour, offered), max(offered) FROM hours GROUP BY ALL;

-- Unusual days: more than 1.5 × the median of the same weekday.
SELECT d.* FROM days d
JOIN (SELECT company, isodow(day) AS weekday, median(offered) AS typical FROM days GROUP BY ALL) m
  ON d.company = m.company AND isodow(d.day) = m.weekday
WHERE d.offered > 1.5 * m.typical;

-- The wait histogram: 10-second bins of answered and abandoned waits.
SELECT company, outcome, floor(wait_s / 10) * 10 AS wait_from_s, count(*)
FROM contacts WHERE outcome IN ('answered', 'abandoned') GROUP BY ALL;
