package anomaly

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"testing"
)

// The JSON export writes a rule's missing numbers as null and keeps the
// others as numbers.
func TestWriteJSONNulls(t *testing.T) {
	rows := []Row{{Year: 2024, Stage: "official", UnitCode: "97102", Score: 3.5, Evidence: []Evidence{{
		RuleID: "peer_outlier", Observed: 5, Expected: 19.25, Lower: Value(math.NaN()), Upper: Value(math.Inf(1)),
		Threshold: Value(math.NaN()), Score: 2}}}}
	var b bytes.Buffer
	if err := WriteJSON(&b, rows); err != nil {
		t.Fatal(err)
	}
	var got []struct {
		Score    float64          `json:"score"`
		Evidence []map[string]any `json:"evidence"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	e := got[0].Evidence[0]
	if e["observed"] != 5.0 || e["expected"] != 19.25 || e["lower"] != nil || e["upper"] != nil || e["threshold"] != nil || got[0].Score != 3.5 {
		t.Errorf("%s", b.String())
	}
	for _, k := range []string{"lower", "upper", "threshold"} {
		if _, ok := e[k]; !ok {
			t.Errorf("%s missing: %s", k, b.String())
		}
	}
}

// A unit name beginning with "=" (names come from officers' files) is
// written as text in the CSV, while a negative number keeps its sign.
func TestWriteCSVNeutralisesFormulas(t *testing.T) {
	rows := []Row{{Year: 2024, Stage: "official", UnitCode: "97102", UnitName: `=HYPERLINK("http://evil.example","x")`,
		DistrictName: "+cmd", Score: 3.5, Reason: "@SUM(A1)", Evidence: []Evidence{{RuleID: "peer_outlier", Observed: -2.5,
			Expected: 1, Lower: Value(math.NaN()), Upper: Value(math.NaN()), Threshold: Value(math.NaN()), Reason: "-1+1"}}}}
	var b bytes.Buffer
	if err := WriteCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	r := recs[1]
	for i, want := range map[int]string{4: `'=HYPERLINK("http://evil.example","x")`, 6: "'+cmd", 10: "'@SUM(A1)", 13: "-2.5", 19: "'-1+1"} {
		if r[i] != want {
			t.Errorf("column %s = %q, want %q", recs[0][i], r[i], want)
		}
	}
}
