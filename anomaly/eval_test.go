package anomaly

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"rasoat/ingest"
	"rasoat/pipeline"
	"rasoat/store"
)

// The sample province (seed and scale fixed), built once for the package.
var sample struct {
	sync.Once
	dir string
	err error
}

const (
	sampleSeed  = 7
	sampleScale = 0.03
)

func TestMain(m *testing.M) {
	code := m.Run()
	if sample.dir != "" {
		os.RemoveAll(sample.dir)
	}
	os.Exit(code)
}

func openSample(t testing.TB) (*store.DB, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the sample province")
	}
	sample.Do(func() {
		sample.dir, sample.err = os.MkdirTemp("", "rasoat-anomaly-")
		if sample.err != nil {
			return
		}
		ctx := context.Background()
		db, err := store.Open(ctx, filepath.Join(sample.dir, "s.duckdb"))
		if err != nil {
			sample.err = err
			return
		}
		defer db.Close()
		_, sample.err = pipeline.BuildSample(ctx, db, sample.dir, sampleSeed, sampleScale,
			ingest.Options{IDKey: []byte("test-key-0123456789abcdef0123456789")}, nil)
	})
	if sample.err != nil {
		t.Fatal(sample.err)
	}
	db, err := store.Open(context.Background(), filepath.Join(sample.dir, "s.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, filepath.Join(sample.dir, "sample")
}

func readSamplePlanted(t *testing.T, dir string) []Planted {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "truth", "anomalies.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := ReadPlanted(f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestEvaluation is the evaluation: precision and recall of the
// top-K (K = planted per year and stage) against the generator's ground
// truth, per rule family and for the whole list, with no hard negative in
// any top-K; the plain z-score baseline (|z| > 3 on the reduction against the
// district) is computed on the same data and logged beside it.
func TestEvaluation(t *testing.T) {
	db, dir := openSample(t)
	planted := readSamplePlanted(t, dir)
	ctx := context.Background()
	base, err := RankBaselineZ(ctx, db, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, family := range []string{"", "validation", "statistical", "target_chasing", "prelim_official", "household"} {
		name := family
		if name == "" {
			name = "all"
		}
		t.Run(name, func(t *testing.T) {
			rk, err := RankFamily(ctx, db, family)
			if err != nil {
				t.Fatal(err)
			}
			got, bl := Evaluate(planted, rk, family), Evaluate(planted, base, family)
			t.Logf("%-16s planted %2d  rasoat recall@K %.2f precision@K %.2f negatives %d | baseline |z|>3 recall@K %.2f precision@K %.2f negatives %d",
				name, got.Planted, got.Recall, got.Precision, len(got.NegativesInTopK), bl.Recall, bl.Precision, len(bl.NegativesInTopK))
			if got.Planted == 0 {
				t.Fatalf("nothing planted for family %q", family)
			}
			if got.Recall < 0.9 || got.Precision < 0.8 {
				t.Errorf("recall@K %.2f (want ≥ 0,9), precision@K %.2f (want ≥ 0,8); missed %v", got.Recall, got.Precision, got.Missed)
			}
			if len(got.NegativesInTopK) > 0 {
				t.Errorf("hard negatives in the top-K: %v", got.NegativesInTopK)
			}
		})
	}
}

// Every hard negative stays out of the list altogether, not just out of the
// top-K: a tiny commune's swing, the baseline jump, a merged commune, a
// district-wide improvement.
func TestHardNegativesNotFlagged(t *testing.T) {
	db, dir := openSample(t)
	ctx := context.Background()
	for _, p := range readSamplePlanted(t, dir) {
		if !p.Negative() {
			continue
		}
		var n int
		var rules string
		err := db.QueryRowContext(ctx, `SELECT count(*), coalesce(string_agg(DISTINCT e.rule_id, ' '), '')
			FROM anomaly_evidence e JOIN anomalies a USING (year, stage, unit_code)
			WHERE e.year = ? AND e.stage = ? AND (a.unit_code = ? OR a.district_code = ?)
			  AND e.family IN ('statistical', 'target_chasing')`, p.Year, p.Stage, p.UnitCode, p.UnitCode).Scan(&n, &rules)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			t.Errorf("%d %s %s (%s): flagged by %s", p.Year, p.Stage, p.UnitCode, p.Kind, rules)
		}
	}
}

// The contract the inspector pages rely on: columns, one row per unit, year
// and stage, ranks 1…n by score, and the export of a whole year.
func TestListContract(t *testing.T) {
	db, _ := openSample(t)
	ctx := context.Background()
	var dup, badRank, badSev int
	err := db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM (SELECT year, stage, unit_code FROM anomalies GROUP BY ALL HAVING count(*) > 1)),
		(SELECT count(*) FROM (SELECT year, stage, max(rank) = count(*) AND min(rank) = 1 AS ok FROM anomalies GROUP BY ALL) WHERE NOT ok),
		(SELECT count(*) FROM anomalies WHERE severity NOT IN ('cao', 'trung bình', 'thấp') OR n_rules <> len(rules) OR reason_vi IS NULL)`).
		Scan(&dup, &badRank, &badSev)
	if err != nil {
		t.Fatal(err)
	}
	if dup+badRank+badSev > 0 {
		t.Errorf("duplicates %d, bad ranks %d, bad rows %d", dup, badRank, badSev)
	}
	rows, err := List(ctx, db.DB, Filter{Year: 2019, Stage: "official"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || rows[0].Rank != 1 || len(rows[0].Evidence) != len(rows[0].Rules) {
		t.Fatalf("2019 list: %+v", rows[:min(1, len(rows))])
	}
	for i := 1; i < len(rows); i++ {
		if rows[i].Score > rows[i-1].Score {
			t.Fatalf("row %d score %v above row %d's %v", i, rows[i].Score, i-1, rows[i-1].Score)
		}
	}
}

// Evaluate on a hand-made ranking: K per year and stage, other families'
// positives passed over, negatives by unit and by district.
func TestEvaluateByHand(t *testing.T) {
	planted := []Planted{
		{2019, "official", "A", "drop_far_beyond_peers", ""},
		{2019, "official", "B", "flow_identity_broken", ""},
		{2020, "official", "C", "drop_far_beyond_peers", ""},
		{2020, "official", "D", "negative_tiny_commune_noise", ""},
		{2020, "official", "980", "negative_district_wide_improvement", ""},
	}
	rk := Ranking{
		{2019, "official"}: {{"B", ""}, {"X", ""}, {"A", ""}},
		{2020, "official"}: {{"D", ""}, {"C", "980"}},
	}
	all := Evaluate(planted, rk, "")
	// 2019: K=2, top B X → 1 hit; 2020: K=1, top D → 0 hits, D is a negative
	if all.Planted != 3 || all.Hits != 1 || all.Retrieved != 3 || len(all.NegativesInTopK) != 1 {
		t.Errorf("all: %+v", all)
	}
	st := Evaluate(planted, rk, "statistical")
	// 2019: K=1, B is another family's positive → passed over, X is top → miss
	if st.Planted != 2 || st.Hits != 0 || st.Recall != 0 {
		t.Errorf("statistical: %+v", st)
	}
	rk[SetKey{2019, "official"}] = []Ranked{{"A", ""}, {"B", ""}}
	rk[SetKey{2020, "official"}] = []Ranked{{"C", "980"}}
	st = Evaluate(planted, rk, "statistical")
	if st.Hits != 2 || st.Recall != 1 || st.Precision != 1 || len(st.NegativesInTopK) != 0 {
		t.Errorf("statistical, right order: %+v", st)
	}
	rk[SetKey{2020, "official"}] = []Ranked{{"E", "980"}}
	if got := Evaluate(planted, rk, "statistical"); len(got.NegativesInTopK) != 1 || got.Precision != 0.5 {
		t.Errorf("a commune of the improving district at the top: %+v", got)
	}
}

func TestFormatVN(t *testing.T) {
	for _, c := range []struct {
		x    float64
		d    int
		want string
	}{{1234.5, 1, "1.234,5"}, {-0.04, 1, "0,0"}, {20.149, 1, "20,1"}, {1234567, 0, "1.234.567"}, {-12.5, 2, "-12,50"}} {
		if got := FormatVN(c.x, c.d); got != c.want {
			t.Errorf("FormatVN(%v, %d) = %q, want %q", c.x, c.d, got, c.want)
		}
	}
}
