package dashboards

import (
	"fmt"

	"rasoat/query"
)

// overviewView is what overview.html shows: every number already in the
// Vietnamese format, so the template only places strings and html/template
// escapes each of them.
type overviewView struct {
	ProvinceCode, ProvinceName string
	Synthetic                  bool
	Provinces                  []provinceOption

	Year                      int
	StandardLabel, StageLabel string
	NotApproved               bool
	UnitsLine                 string

	Households, PoorCount, NearPoorCount string
	PoorRate, NearPoorRate               string
	Reduction, ReductionNote             string

	HasTarget                bool
	TargetText, TargetPeriod string
	Status, StatusClass      string

	Trend       []trendRow
	TrendOption map[string]any

	RankingTitle, RankingNote, RankingLevel string
	Ranking                                 []unitRow
	RankingOption                           map[string]any
	RankingHeight                           int

	GeneratedAt  string
	AssetVersion map[string]string
}

type provinceOption struct {
	Code, Name string
	LatestYear int
	Selected   bool
}

type trendRow struct {
	Year                                                          int
	Baseline                                                      bool
	Standard, Stage                                               string
	Households, Poor, PoorRate, NearPoor, NearPoorRate, Reduction string
}

type unitRow struct {
	Code, Name                                                    string
	Households, Poor, PoorRate, NearPoor, NearPoorRate, Reduction string
}

func statusClass(status string) string {
	switch status {
	case query.StatusExceeds:
		return "exceeds"
	case query.StatusMeets:
		return "meets"
	case query.StatusMisses:
		return "misses"
	}
	return "na"
}

func (s *server) overviewView(provs []query.Province, ov *query.Overview) overviewView {
	v := overviewView{
		ProvinceCode:  ov.ProvinceCode,
		ProvinceName:  ov.ProvinceName,
		Synthetic:     ov.Synthetic,
		Year:          ov.Year,
		StandardLabel: standardLabel(ov.Standard),
		StageLabel:    stageLabel(ov.Stage),
		NotApproved:   ov.Stage != "approved",
		Households:    fmtInt(ov.Households),
		PoorCount:     fmtInt(ov.Poor),
		NearPoorCount: fmtInt(ov.NearPoor),
		PoorRate:      fmtPct(ov.PoorRate),
		NearPoorRate:  fmtPct(ov.NearPoorRate),
		GeneratedAt:   fmtDateTime(s.now()),
		AssetVersion: map[string]string{
			"css":     s.assets["app.css"].etag,
			"js":      s.assets["app.js"].etag,
			"echarts": s.assets["vendor/echarts/echarts.min.js"].etag,
		},
	}
	for _, p := range provs {
		v.Provinces = append(v.Provinces, provinceOption{Code: p.Code, Name: p.Name, LatestYear: p.LatestYear, Selected: p.Code == ov.ProvinceCode})
	}
	if ov.UnitsExpected > 0 {
		v.UnitsLine = fmt.Sprintf("%d/%d đơn vị đã báo cáo", ov.UnitsReporting, ov.UnitsExpected)
	}

	switch {
	case ov.ReductionPP != nil && ov.Comparable:
		v.Reduction = fmtPP(ov.ReductionPP) + " điểm %"
		v.ReductionNote = fmt.Sprintf("So với năm %d, cùng chuẩn %s", ov.Year-1, v.StandardLabel)
	case isBaseline(ov):
		v.Reduction = "không so sánh được"
		v.ReductionNote = fmt.Sprintf("Năm %d là năm gốc của chuẩn %s: số liệu đo lại, không so với chuẩn cũ", ov.Year, v.StandardLabel)
	default:
		v.Reduction = "không so sánh được"
		v.ReductionNote = "Thiếu số liệu năm trước cùng chuẩn, hoặc địa giới đã thay đổi"
	}
	if t := ov.Target; t != nil {
		v.HasTarget = true
		v.TargetText = fmtTarget(t.Min, t.Max, t.HasMax)
		v.TargetPeriod = t.Period
		v.Status = t.Status
		v.StatusClass = statusClass(t.Status)
	}

	for _, p := range ov.Trend {
		v.Trend = append(v.Trend, trendRow{
			Year: p.Year, Baseline: p.IsBaseline,
			Standard: standardLabel(p.Standard), Stage: stageLabel(p.Stage),
			Households: fmtInt(p.Households), Poor: fmtInt(p.Poor), PoorRate: fmtPct(p.PoorRate),
			NearPoor: fmtInt(p.NearPoor), NearPoorRate: fmtPct(p.NearPoorRate), Reduction: fmtPP(p.ReductionPP),
		})
	}
	v.TrendOption = trendOption(ov)

	v.RankingLevel = levelLabel(ov.RankingLevel)
	if ov.RankingLevel == query.LevelDistrict {
		v.RankingTitle = fmt.Sprintf("Tỷ lệ hộ nghèo theo huyện năm %d", ov.Year)
		v.RankingNote = "Xếp từ cao xuống thấp; đường nét đứt là tỷ lệ toàn tỉnh."
	} else {
		v.RankingTitle = fmt.Sprintf("Tỷ lệ hộ nghèo theo xã năm %d", ov.Year)
		v.RankingNote = "Chưa có số liệu cấp huyện: xếp hạng tất cả các xã của tỉnh, từ cao xuống thấp; đường nét đứt là tỷ lệ toàn tỉnh."
		if ov.Year >= 2025 {
			v.RankingNote = "Từ 1/7/2025 không còn cấp huyện: xếp hạng tất cả các xã của tỉnh, từ cao xuống thấp; đường nét đứt là tỷ lệ toàn tỉnh."
		}
	}
	for _, u := range ov.Ranking {
		v.Ranking = append(v.Ranking, unitRow{
			Code: u.Code, Name: u.Name,
			Households: fmtInt(u.Households), Poor: fmtInt(u.Poor), PoorRate: fmtPct(u.PoorRate),
			NearPoor: fmtInt(u.NearPoor), NearPoorRate: fmtPct(u.NearPoorRate), Reduction: fmtPP(u.ReductionPP),
		})
	}
	if len(ov.Ranking) > 0 {
		v.RankingOption = rankingOption(ov)
		v.RankingHeight = rankingHeight(len(ov.Ranking))
	}
	return v
}

// isBaseline reports whether the overview's year starts its standard's series.
func isBaseline(ov *query.Overview) bool {
	for _, p := range ov.Trend {
		if p.Year == ov.Year && p.Standard == ov.Standard {
			return p.IsBaseline
		}
	}
	return false
}
