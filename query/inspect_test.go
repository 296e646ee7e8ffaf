package query

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"rasoat/query/querytest"
	"rasoat/store"
)

func codes(fs []Flag) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.UnitCode)
	}
	return strings.Join(out, ",")
}

func TestFlagsFiltersAndDefaults(t *testing.T) {
	q := New(querytest.OpenInspect(t).DB)
	ctx := context.Background()
	tests := []struct {
		name      string
		f         FlagFilter
		year      int
		stage     string
		want      string
		total     int
		districts int
	}{
		{"default: latest year", FlagFilter{}, 2025, "official", "99001", 1, 0},
		{"2024: stage with most flags", FlagFilter{Year: 2024}, 2024, "official", "990101,990102,990201", 3, 2},
		{"2024 preliminary", FlagFilter{Year: 2024, Stage: "preliminary"}, 2024, "preliminary", "990101", 1, 1},
		{"district", FlagFilter{Year: 2024, District: "9901"}, 2024, "official", "990101,990102", 3, 2},
		{"rule", FlagFilter{Year: 2024, Rule: "V_FLOW_POOR"}, 2024, "official", "990101", 3, 2},
		{"severity", FlagFilter{Year: 2024, Severity: "thấp"}, 2024, "official", "990201", 3, 2},
		{"nothing passes", FlagFilter{Year: 2024, District: "9902", Rule: "S_HISTORY"}, 2024, "official", "", 3, 2},
		{"a year without flags", FlagFilter{Year: 2019}, 2019, "", "", 0, 0},
	}
	for _, tt := range tests {
		l, err := q.Flags(ctx, tt.f)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if l.Filter.Year != tt.year || l.Filter.Stage != tt.stage || codes(l.Flags) != tt.want || l.Total != tt.total || len(l.Districts) != tt.districts {
			t.Errorf("%s: period %d/%s flags %q total %d districts %d; want %d/%s %q %d %d", tt.name,
				l.Filter.Year, l.Filter.Stage, codes(l.Flags), l.Total, len(l.Districts), tt.year, tt.stage, tt.want, tt.total, tt.districts)
		}
		if tt.total > 0 && !l.Synthetic {
			t.Errorf("%s: not marked synthetic", tt.name)
		}
	}
	l, _ := q.Flags(ctx, FlagFilter{Year: 2024})
	if f := l.Flags[0]; f.Score != 7.5 || f.Severity != "cao" || strings.Join(f.Rules, " ") != "S_PEER_REDUCTION V_FLOW_POOR" || f.NRules != 2 || f.DistrictName != "Huyện Một" {
		t.Errorf("first flag %+v", f)
	}
	if len(l.Periods) != 3 || len(l.Rules) != 5 {
		t.Errorf("periods %v rules %d", l.Periods, len(l.Rules))
	}
	ev, err := q.FlagEvidence(ctx, l)
	if err != nil || len(ev) != 4 || ev[0].RuleID != "S_PEER_REDUCTION" || ev[3].UnitCode != "990201" || ev[0].Title == "" {
		t.Errorf("evidence %+v %v", ev, err)
	}
}

func TestFlagsWithoutAnomalyList(t *testing.T) {
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "empty.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := New(db.DB).Flags(context.Background(), FlagFilter{}); !errors.Is(err, ErrNoAnomalies) {
		t.Errorf("err = %v, want ErrNoAnomalies", err)
	}
}

func TestCommuneEvidence(t *testing.T) {
	q := New(querytest.OpenInspect(t).DB)
	ctx := context.Background()
	ce, err := q.Commune(ctx, 2024, "official", "990101")
	if err != nil {
		t.Fatal(err)
	}
	if ce.Flag == nil || ce.Flag.Score != 7.5 || len(ce.Evidence) != 2 || ce.Standard != "ND07_2021" || !ce.Synthetic {
		t.Fatalf("commune %+v", ce)
	}
	if ce.Row == nil || *ce.Row.Poor != 50 || ce.Counted == nil || ce.Counted.Stage != "official" {
		t.Errorf("row %+v counted %+v", ce.Row, ce.Counted)
	}
	// History: 2023 official, 2024 preliminary, 2024 official.
	if len(ce.History) != 3 || ce.History[1].Stage != "preliminary" {
		t.Errorf("history %+v", ce.History)
	}
	// Peers: the three communes of district 9901, highest reduction first.
	if ce.PeerBasis != PeersDistrict || len(ce.Peers) != 3 || ce.Peers[0].UnitCode != "990101" || !ce.Peers[0].Self || ce.Peers[1].Self {
		t.Errorf("peers %+v", ce.Peers)
	}
	// Flows: 200 − 140 − 10 = 50; 140 of the exits went to near-poor.
	if ce.Flows == nil || *ce.Flows.Poor[0].Value != 200 || *ce.Flows.Poor[1].Value != 140 || *ce.Flows.NearPoor[4].Value != 140 {
		t.Errorf("flows %+v", ce.Flows)
	}
	if e := ce.Evidence[0]; e.RuleID != "S_PEER_REDUCTION" || *e.Observed != 15 || math.Abs(*e.Upper-1.6667) > 1e-9 || e.Lower == nil {
		t.Errorf("evidence %+v", e)
	}

	// After 2025: peers of similar poverty level. 99001 5%; 99003 16%; 99002 15%.
	ce, err = q.Commune(ctx, 2025, "official", "99001")
	if err != nil {
		t.Fatal(err)
	}
	if ce.PeerBasis != PeersLevel || len(ce.Peers) != 3 || ce.DistrictCode != "" {
		t.Errorf("2025 peers %s %+v", ce.PeerBasis, ce.Peers)
	}
	// Not flagged, but has figures: a page without evidence.
	ce, err = q.Commune(ctx, 2024, "official", "990103")
	if err != nil || ce.Flag != nil || ce.Row == nil {
		t.Errorf("unflagged commune %+v %v", ce, err)
	}
	if _, err := q.Commune(ctx, 2024, "official", "123"); !errors.Is(err, ErrNoCommune) {
		t.Errorf("unknown commune err = %v", err)
	}
}
