package query_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"rasoat/query"
	"rasoat/query/querytest"
)

func TestCycleProgressAgainstDeadlines(t *testing.T) {
	ctx := context.Background()
	q := query.New(querytest.OpenCycle(t).DB)
	c, err := q.CurrentCycle(ctx, querytest.CycleProvince, time.Now())
	if err != nil || c.Year != 2024 || c.Standard != "ND07_2021" || c.OfficialDue.Format("2006-01-02") != "2024-11-30" {
		t.Fatalf("cycle = %+v %v", c, err)
	}
	// hand-computed from the fixture's story (querytest/cycle.go)
	type g struct {
		exp, rec, on, late, miss, rej int
		compl, timely                 float64
	}
	want := map[string]map[string]g{
		"preliminary": {"991": {2, 2, 2, 0, 0, 0, 100, 100}, "992": {2, 1, 0, 1, 0, 1, 50, 0}},
		"official":    {"991": {2, 2, 0, 2, 0, 0, 100, 0}, "992": {2, 0, 0, 0, 2, 0, 0, 0}},
		"approved":    {"991": {2, 2, 2, 0, 0, 0, 100, 100}, "992": {2, 0, 0, 0, 2, 0, 0, 0}},
	}
	for stage, groups := range want {
		p, err := q.Progress(ctx, querytest.CycleProvince, c, stage)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Groups) != 2 || !p.Synthetic {
			t.Fatalf("%s: groups %+v", stage, p.Groups)
		}
		for _, got := range p.Groups {
			w := groups[got.Code]
			if got.Expected != w.exp || got.Received != w.rec || got.OnTime != w.on || got.Late != w.late || got.Missing != w.miss || got.Rejected != w.rej ||
				math.Abs(got.Completeness-w.compl) > 1e-9 || math.Abs(got.Timeliness-w.timely) > 1e-9 {
				t.Errorf("%s %s: %+v, want %+v", stage, got.Code, got, w)
			}
			if got.CompletenessOK != (w.compl >= 90) || got.TimelinessOK != (w.timely >= 75) {
				t.Errorf("%s %s: thresholds %v %v", stage, got.Code, got.CompletenessOK, got.TimelinessOK)
			}
		}
		if len(p.Units) != 4 {
			t.Errorf("%s: %d units", stage, len(p.Units))
		}
	}
	p, _ := q.Progress(ctx, querytest.CycleProvince, c, "official")
	var late []string
	for _, u := range p.Units {
		if u.Status == "late" {
			late = append(late, u.Code+" "+u.ReceivedOn.Format("02/01/2006"))
		}
	}
	// loaded 30/11 18:00 UTC: 1/12 in Vietnam, a day late
	if strings.Join(late, ",") != "99101 01/12/2024,99102 01/12/2024" {
		t.Errorf("late = %v", late)
	}
	if _, err := q.Progress(ctx, querytest.CycleProvince, c, "reverified"); err == nil {
		t.Error("reverified has no deadline")
	}
}

func TestScorecardAndApprovals(t *testing.T) {
	ctx := context.Background()
	q := query.New(querytest.OpenCycle(t).DB)
	rows, err := q.Scorecard(ctx, querytest.CycleProvince, 2024)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r.Code] = fmt.Sprintf("rej=%d find=%d warn=%d late=%d", r.RejectedFiles, r.Findings, r.Warnings, r.Late)
	}
	// 992: 99202's refused file, 99201's wrong rate and late preliminary; 991: two late official reports
	if got["991"] != "rej=0 find=0 warn=0 late=2" || got["992"] != "rej=1 find=1 warn=0 late=1" {
		t.Errorf("scorecard = %v", got)
	}
	c, _ := q.FindCycle(ctx, 2024, "")
	ap, err := q.Approvals(ctx, "99", c)
	if err != nil {
		t.Fatal(err)
	}
	if len(ap) != 2 || !ap[0].Locked || ap[0].By != "canbotinh" || !ap[0].Ready || ap[1].Locked || ap[1].Ready {
		t.Errorf("approvals = %+v", ap)
	}
}

func TestFormAReportIsTheViews(t *testing.T) {
	ctx := context.Background()
	q := query.New(querytest.OpenCycle(t).DB)
	rep, err := q.FormA(ctx, querytest.CycleProvince, 2024, "ND07_2021", "approved")
	if err != nil {
		t.Fatal(err)
	}
	// only 991 has approved figures
	if rep.Stage != "approved" || rep.Level != query.LevelDistrict || len(rep.Rows) != 1 || rep.Rows[0].Code != "991" {
		t.Fatalf("report = %+v", rep)
	}
	var h, poor, near int64
	for _, v := range querytest.CycleOfficial {
		h, poor, near = h+v[0], poor+v[2], near+v[3]
	}
	r := rep.Rows[0].Values
	if int64(*r["total_households"]) != h || int64(*r["poor_end"]) != poor || int64(*r["near_poor_end"]) != near {
		t.Errorf("991 = %v %v %v", *r["total_households"], *r["poor_end"], *r["near_poor_end"])
	}
	if math.Abs(*r["poor_rate_reported"]-100*float64(poor)/float64(h)) > 1e-9 {
		t.Errorf("poor rate %v", *r["poor_rate_reported"])
	}
}
