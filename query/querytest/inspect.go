package querytest

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"rasoat/store"
)

// OpenInspect creates the inspectors' fixture: the anomaly list, its
// evidence and the commune figures behind them, as TABLES standing in for
// the views, with hand-made numbers (synthetic province 99, standard
// NĐ 07/2021, stage official unless said):
//
//	code    name          district   2023 hh/poor   2024 hh/poor   red.pp  2024 flag
//	990101  Xã Một A      9901       1.000/200      1.000/50       15,00   cao 7,5 (S_PEER_REDUCTION, V_FLOW_POOR)
//	990102  <hostile>     9901         800/80         800/72        1,00   trung bình 2,5 (S_HISTORY)
//	990103  Xã Một C      9901         500/50         500/45        1,00   —
//	990201  Xã Hai A      9902       1.200/120      1.200/100       1,666… thấp 1 (T_JUST_UNDER)
//
// 2024 preliminary: one flag (990101, P_PRELIM_JUMP). 2025 (no districts):
// communes 99001–99003, 99001 flagged cao 5 (S_PEER_REDUCTION); its peers
// are the communes of similar poverty level.
func OpenInspect(tb testing.TB) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(tb.TempDir(), "inspect.duckdb"))
	if err != nil {
		tb.Fatalf("open inspect fixture: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := LoadInspect(ctx, db.DB); err != nil {
		tb.Fatalf("load inspect fixture: %v", err)
	}
	return db
}

// HostileReason is the one-line reason of 990102: text that must stay text.
const HostileReason = `Giảm <b>bất thường</b> & "lạ" <script>window.__xss=1</script>`

// LoadInspect creates and fills the stand-in tables.
func LoadInspect(ctx context.Context, db *sql.DB) error {
	hostile := sqlQuote(HostileName)
	stmts := []string{
		`CREATE TABLE commune_year (
			year INTEGER, standard VARCHAR, stage VARCHAR, counted BOOLEAN, is_baseline BOOLEAN,
			unit_code VARCHAR, unit_name VARCHAR, level VARCHAR, parent_code VARCHAR,
			district_code VARCHAR, district_name VARCHAR, province_code VARCHAR, province_name VARCHAR, synthetic BOOLEAN,
			total_households BIGINT, total_persons BIGINT, poor_end BIGINT, near_poor_end BIGINT,
			poor_rate DOUBLE, near_poor_rate DOUBLE, reduction_pp DOUBLE, comparable BOOLEAN,
			poor_start BIGINT, poor_out_to_near_poor BIGINT, poor_out_above_near_poor BIGINT, poor_out_other BIGINT,
			poor_in_from_near_poor BIGINT, poor_in_repoor BIGINT, poor_in_new BIGINT, poor_in_other BIGINT,
			near_poor_start BIGINT, near_poor_out_escaped BIGINT, near_poor_out_to_poor BIGINT, near_poor_out_other BIGINT,
			near_poor_in_from_poor BIGINT, near_poor_in_re BIGINT, near_poor_in_new BIGINT, near_poor_in_other BIGINT)`,
		`CREATE TEMP TABLE cx (year INTEGER, stage VARCHAR, counted BOOLEAN, unit_code VARCHAR, unit_name VARCHAR,
			district_code VARCHAR, district_name VARCHAR, hh BIGINT, poor BIGINT, near BIGINT, red DOUBLE)`,
		`INSERT INTO cx VALUES
			(2023,'official',true,'990101','Xã Một A','9901','Huyện Một',1000,200,100,NULL),
			(2023,'official',true,'990102','` + hostile + `','9901','Huyện Một',800,80,60,NULL),
			(2023,'official',true,'990103','Xã Một C','9901','Huyện Một',500,50,40,NULL),
			(2023,'official',true,'990201','Xã Hai A','9902','Huyện Hai',1200,120,90,NULL),
			(2024,'preliminary',false,'990101','Xã Một A','9901','Huyện Một',1000,180,110,2.0),
			(2024,'official',true,'990101','Xã Một A','9901','Huyện Một',1000,50,290,15.0),
			(2024,'official',true,'990102','` + hostile + `','9901','Huyện Một',800,72,60,1.0),
			(2024,'official',true,'990103','Xã Một C','9901','Huyện Một',500,45,40,1.0),
			(2024,'official',true,'990201','Xã Hai A','9902','Huyện Hai',1200,100,90,10.0 - 100/12.0),
			(2025,'official',true,'99001','Xã Hòa Bình',NULL,NULL,3000,150,200,NULL),
			(2025,'official',true,'99002','Xã Ea Đrăng',NULL,NULL,2000,300,150,NULL),
			(2025,'official',true,'99003','Xã Cư Mta',NULL,NULL,1000,160,90,NULL)`,
		`INSERT INTO commune_year (year, standard, stage, counted, is_baseline, unit_code, unit_name, level, parent_code,
			district_code, district_name, province_code, province_name, synthetic,
			total_households, poor_end, near_poor_end, poor_rate, near_poor_rate, reduction_pp, comparable)
		 SELECT year, 'ND07_2021', stage, counted, false, unit_code, unit_name, 'commune', coalesce(district_code, '99'),
			district_code, district_name, '99', 'Tỉnh Mẫu', true,
			hh, poor, near, 100.0 * poor / hh, 100.0 * near / hh, red, red IS NOT NULL
		 FROM cx`,
		`DROP TABLE cx`,
		`UPDATE commune_year SET poor_start = 200, poor_out_to_near_poor = 140, poor_out_above_near_poor = 10, poor_out_other = 0,
			poor_in_from_near_poor = 0, poor_in_repoor = 0, poor_in_new = 0, poor_in_other = 0,
			near_poor_start = 150, near_poor_out_escaped = 5, near_poor_out_to_poor = 0, near_poor_out_other = 0,
			near_poor_in_from_poor = 140, near_poor_in_re = 0, near_poor_in_new = 5, near_poor_in_other = 0
		 WHERE year = 2024 AND stage = 'official' AND unit_code = '990101'`,
		`INSERT INTO ref_unit (unit_code, unit_name, level, parent_code, province_code, valid_from, synthetic)
		 SELECT DISTINCT unit_code, unit_name, 'commune', parent_code, '99', DATE '2016-01-01', true FROM commune_year`,
		`INSERT INTO ref_anomaly_rule VALUES
			('S_PEER_REDUCTION','peer','Mức giảm nghèo khác xa các xã cùng huyện','Điểm z hiệu chỉnh (MAD) > 3,5',3,'{"z": 3.5}'),
			('V_FLOW_POOR','validation','Đẳng thức biến động hộ nghèo không khớp','Cuối kỳ = đầu kỳ − giảm + tăng',4,'{"tolerance": 0}'),
			('S_HISTORY','history','Khác xa 3 năm trước của chính xã','± 33%',2,'{"band": 0.33}'),
			('T_JUST_UNDER','target','Tỷ lệ vừa chạm dưới ngưỡng chỉ tiêu','Từ xa phía trên xuống sát dưới ngưỡng',1,'{"margin": 0.5}'),
			('P_PRELIM_JUMP','prelim','Sơ bộ → chính thức thay đổi lớn','',2,'{}')`,
		`CREATE TABLE anomaly_evidence (year INT, stage VARCHAR, unit_code VARCHAR, rule_id VARCHAR, family VARCHAR,
			observed DOUBLE, expected DOUBLE, lower DOUBLE, upper DOUBLE, threshold DOUBLE, score DOUBLE, reason_vi VARCHAR)`,
		`INSERT INTO anomaly_evidence VALUES
			(2024,'official','990101','S_PEER_REDUCTION','peer',15,1,1,1.6667,3.5,4.5,'Giảm 15,00 điểm %, các xã cùng huyện giảm 1,00–1,67'),
			(2024,'official','990101','V_FLOW_POOR','validation',50,50,NULL,NULL,0,3,'Biểu 02 không cân đối'),
			(2024,'official','990102','S_HISTORY','history',1,4,2.68,5.32,0.33,2.5,'` + sqlQuote(HostileReason) + `'),
			(2024,'official','990201','T_JUST_UNDER','target',8.3333,10,NULL,10,0.5,1,'Tỷ lệ 8,33% sát dưới ngưỡng 10%'),
			(2024,'preliminary','990101','P_PRELIM_JUMP','prelim',18,5,NULL,NULL,5,2,'Sơ bộ 18% khác xa chính thức'),
			(2025,'official','99001','S_PEER_REDUCTION','peer',9,1,0,2,3.5,5,'Giảm 9 điểm %')`,
		`CREATE TABLE anomalies (year INT, stage VARCHAR, unit_code VARCHAR, unit_name VARCHAR, district_code VARCHAR,
			district_name VARCHAR, score DOUBLE, severity VARCHAR, rules VARCHAR[], n_rules INT, reason_vi VARCHAR, rank INT)`,
		`INSERT INTO anomalies VALUES
			(2024,'official','990101','Xã Một A','9901','Huyện Một',7.5,'cao',['S_PEER_REDUCTION','V_FLOW_POOR'],2,'Giảm 15,00 điểm %, các xã cùng huyện giảm 1,00–1,67',1),
			(2024,'official','990102','` + hostile + `','9901','Huyện Một',2.5,'trung bình',['S_HISTORY'],1,'` + sqlQuote(HostileReason) + `',2),
			(2024,'official','990201','Xã Hai A','9902','Huyện Hai',1,'thấp',['T_JUST_UNDER'],1,'Tỷ lệ 8,33% sát dưới ngưỡng 10%',3),
			(2024,'preliminary','990101','Xã Một A','9901','Huyện Một',2,'trung bình',['P_PRELIM_JUMP'],1,'Sơ bộ 18% khác xa chính thức',1),
			(2025,'official','99001','Xã Hòa Bình',NULL,NULL,5,'cao',['S_PEER_REDUCTION'],1,'Giảm 9 điểm %',1)`,
	}
	for i, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("inspect fixture statement %d: %w", i, err)
		}
	}
	return nil
}
