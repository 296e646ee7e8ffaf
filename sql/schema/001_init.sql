-- Schema 001: reference data, ingest provenance and the raw layer.
-- The raw layer keeps every loaded row of every file; nothing is updated in
-- place. A corrected file supersedes an earlier one only in the views (the
-- newest file per form, year, standard, stage and unit wins).

-- Administrative units with validity intervals [valid_from, valid_to).
-- parent_code is the district for communes before 1/7/2025 and the province
-- after (two-level hierarchy); for districts it is the province.
CREATE TABLE ref_unit (
    unit_code     VARCHAR NOT NULL,
    unit_name     VARCHAR NOT NULL,
    level         VARCHAR NOT NULL CHECK (level IN ('province', 'district', 'commune')),
    unit_type     VARCHAR,
    parent_code   VARCHAR,
    province_code VARCHAR NOT NULL,
    valid_from    DATE NOT NULL,
    valid_to      DATE,
    source        VARCHAR,
    -- true for the built-in sample province: every page showing it says so
    synthetic     BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (unit_code, valid_from)
);

-- Every units list imported: re-importing the same list is a no-op.
CREATE TABLE ref_unit_import (
    fingerprint VARCHAR PRIMARY KEY,
    file_name   VARCHAR,
    valid_from  DATE NOT NULL,
    units       INTEGER NOT NULL,
    imported_at TIMESTAMP NOT NULL
);

-- Crosswalk between unit lists (e.g. the 1/7/2025 reorganisation).
-- share_kind: full (the whole old unit), partial (split, fraction unknown),
-- fraction (share holds the fraction of the old unit's households).
CREATE TABLE ref_crosswalk (
    old_code       VARCHAR NOT NULL,
    new_code       VARCHAR NOT NULL,
    share_kind     VARCHAR NOT NULL CHECK (share_kind IN ('full', 'partial', 'fraction')),
    share          DOUBLE,
    effective_date DATE NOT NULL,
    legal_basis    VARCHAR,
    source         VARCHAR,
    extra          JSON,
    PRIMARY KEY (old_code, new_code, effective_date)
);

-- Census or registry household counts, for denominator checks.
CREATE TABLE ref_census (
    unit_code  VARCHAR NOT NULL,
    ref_date   DATE NOT NULL,
    households BIGINT,
    persons    BIGINT,
    source     VARCHAR,
    PRIMARY KEY (unit_code, ref_date)
);

-- Poverty standards (chuẩn nghèo), loaded from data/standards.csv.
-- rule: income_or_deprivation (QĐ 59/2015) or income_and_deprivation (NĐ 07/2021, NĐ 351/2025).
CREATE TABLE ref_standard (
    standard             VARCHAR PRIMARY KEY,
    name                 VARCHAR NOT NULL,
    legal_basis          VARCHAR,
    first_year           INTEGER NOT NULL,
    last_year            INTEGER NOT NULL,
    income_line_rural    BIGINT,
    income_line_urban    BIGINT,
    near_poor_line_rural BIGINT,
    near_poor_line_urban BIGINT,
    n_indicators         INTEGER NOT NULL,
    min_deprivations     INTEGER NOT NULL,
    rule                 VARCHAR NOT NULL,
    b1_cut_rural         DOUBLE,
    b1_cut_urban         DOUBLE
);

-- Review cycles, loaded from data/cycles.csv: one row per review year and
-- standard. A baseline cycle re-measures under a new standard and starts a
-- new series; is_default marks the cycle a file belongs to when it does not
-- name its standard.
CREATE TABLE ref_cycle (
    year            INTEGER NOT NULL,
    standard        VARCHAR NOT NULL,
    is_baseline     BOOLEAN NOT NULL,
    is_default      BOOLEAN NOT NULL,
    period          VARCHAR NOT NULL,
    preliminary_due DATE,
    official_due    DATE,
    approved_due    DATE,
    PRIMARY KEY (year, standard)
);

-- Targets, loaded from data/targets.csv: reduction of a rate in percentage
-- points per year, for a period and a unit ('*' = every unit of that level).
CREATE TABLE ref_target (
    period     VARCHAR NOT NULL,
    first_year INTEGER NOT NULL,
    last_year  INTEGER NOT NULL,
    unit_code  VARCHAR NOT NULL,
    measure    VARCHAR NOT NULL,
    target_min DOUBLE,
    target_max DOUBLE,
    source     VARCHAR
);

CREATE SEQUENCE seq_file_id START 1;

-- One row per accepted file: who loaded what, when, and its fingerprint.
CREATE TABLE ingest_file (
    file_id    BIGINT PRIMARY KEY,
    file_name  VARCHAR NOT NULL,
    sha256     VARCHAR NOT NULL UNIQUE,
    size_bytes BIGINT NOT NULL,
    format     VARCHAR NOT NULL,
    loaded_at  TIMESTAMP NOT NULL,
    loaded_by  VARCHAR
);

-- One row per form found in a file (a workbook may hold forms A, B and C).
CREATE TABLE ingest_sheet (
    file_id    BIGINT NOT NULL,
    sheet      VARCHAR NOT NULL,
    form       VARCHAR NOT NULL,
    year       INTEGER NOT NULL,
    standard   VARCHAR NOT NULL,
    stage      VARCHAR NOT NULL,
    unit_code  VARCHAR NOT NULL,
    rows       INTEGER NOT NULL,
    total_rows INTEGER NOT NULL
);

-- Content findings recorded at ingest (the file loaded; something in it
-- does not add up). Structural problems reject the file and leave no trace here.
CREATE TABLE ingest_finding (
    file_id     BIGINT NOT NULL,
    sheet       VARCHAR,
    source_row  INTEGER,
    cell        VARCHAR,
    column_name VARCHAR,
    unit_code   VARCHAR,
    rule_id     VARCHAR NOT NULL,
    severity    VARCHAR NOT NULL,
    value_found VARCHAR,
    expected    VARCHAR,
    message     VARCHAR NOT NULL
);

CREATE TABLE raw_form_a (
    file_id                 BIGINT NOT NULL,
    sheet                   VARCHAR,
    source_row              INTEGER,
    year                    INTEGER NOT NULL,
    standard                VARCHAR NOT NULL,
    stage                   VARCHAR NOT NULL,
    unit_code               VARCHAR NOT NULL,
    unit_name               VARCHAR,
    is_total                BOOLEAN NOT NULL,
    total_households        BIGINT,
    total_persons           BIGINT,
    poor_end                BIGINT,
    poor_rate_reported      DOUBLE,
    near_poor_end           BIGINT,
    near_poor_rate_reported DOUBLE,
    poor_persons            BIGINT,
    near_poor_persons       BIGINT,
    em_households           BIGINT,
    em_poor                 BIGINT,
    em_near_poor            BIGINT,
    poor_income             BIGINT,
    poor_deprivation        BIGINT,
    complaints              BIGINT,
    extra                   JSON
);

CREATE TABLE raw_form_b (
    file_id                  BIGINT NOT NULL,
    sheet                    VARCHAR,
    source_row               INTEGER,
    year                     INTEGER NOT NULL,
    standard                 VARCHAR NOT NULL,
    stage                    VARCHAR NOT NULL,
    unit_code                VARCHAR NOT NULL,
    unit_name                VARCHAR,
    is_total                 BOOLEAN NOT NULL,
    poor_start               BIGINT,
    poor_out_to_near_poor    BIGINT,
    poor_out_above_near_poor BIGINT,
    poor_out_other           BIGINT,
    poor_in_from_near_poor   BIGINT,
    poor_in_repoor           BIGINT,
    poor_in_new              BIGINT,
    poor_in_other            BIGINT,
    poor_end                 BIGINT,
    extra                    JSON
);

CREATE TABLE raw_form_c (
    file_id                BIGINT NOT NULL,
    sheet                  VARCHAR,
    source_row             INTEGER,
    year                   INTEGER NOT NULL,
    standard               VARCHAR NOT NULL,
    stage                  VARCHAR NOT NULL,
    unit_code              VARCHAR NOT NULL,
    unit_name              VARCHAR,
    is_total               BOOLEAN NOT NULL,
    near_poor_start        BIGINT,
    near_poor_out_escaped  BIGINT,
    near_poor_out_to_poor  BIGINT,
    near_poor_out_other    BIGINT,
    near_poor_in_from_poor BIGINT,
    near_poor_in_re        BIGINT,
    near_poor_in_new       BIGINT,
    near_poor_in_other     BIGINT,
    near_poor_end          BIGINT,
    extra                  JSON
);

-- Form D. head_id_hash is a keyed hash (HMAC-SHA256) of the head's ID
-- number; the raw number is never stored.
CREATE TABLE raw_household (
    file_id           BIGINT NOT NULL,
    sheet             VARCHAR,
    source_row        INTEGER,
    year              INTEGER NOT NULL,
    standard          VARCHAR NOT NULL,
    stage             VARCHAR NOT NULL,
    unit_code         VARCHAR NOT NULL,
    household_id      VARCHAR,
    village           VARCHAR,
    head_name         VARCHAR,
    head_id_hash      VARCHAR,
    ethnicity         VARCHAR,
    area              VARCHAR,
    members           INTEGER,
    b1_score          DOUBLE,
    income_per_capita DOUBLE,
    deprivations      BOOLEAN[],
    class_end         VARCHAR,
    change            VARCHAR
);
