-- data_version: a new random id on every transform run. The dashboards put
-- it (with the ingest log's size) into their ETags, so a cached page or
-- answer is never served after the marts it came from were rebuilt.
CREATE OR REPLACE TABLE data_version AS
SELECT uuid()::VARCHAR AS version, current_timestamp AS built_at;
