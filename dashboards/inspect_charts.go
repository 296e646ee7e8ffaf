package dashboards

import (
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"rasoat/query"
)

// Charts of the commune page, drawn by assets/app.js like the overview's.
// Their units differ (percent, percentage points, counts): each chart
// element says its unit in data-unit.

// historyOption: the commune's counted poor rate by year, one line per
// standard, so a change of standard is a break and never a fall.
func historyOption(ce *query.CommuneEvidence) map[string]any {
	var pts []ratePoint
	for _, p := range ce.History {
		if p.Counted && p.PoorRate != nil {
			pts = append(pts, ratePoint{Year: p.Year, Standard: p.Standard, Rate: *p.PoorRate})
		}
	}
	return standardSeriesOption(pts)
}

// peersOption: the peers' reduction in points, highest first, the commune
// itself in a strong colour.
func peersOption(ce *query.CommuneEvidence) map[string]any {
	names := make([]string, len(ce.Peers))
	data := make([]opts.BarData, len(ce.Peers))
	for i, p := range ce.Peers {
		names[i] = p.UnitName
		var v any = emptyValue
		if p.ReductionPP != nil {
			v = round2(*p.ReductionPP)
		}
		color := "#7b93b5"
		if p.Self {
			color = "#c0392b"
		}
		data[i] = opts.BarData{Name: p.UnitName, Value: v, ItemStyle: &opts.ItemStyle{Color: color}}
	}
	return horizontalBar(names, data, "điểm %", "Giảm nghèo (điểm %)",
		charts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "30%"}))
}

// horizontalBar draws one series of bars, one per name, top to bottom in
// the given order, with value labels at the bars' ends.
func horizontalBar(names []string, data []opts.BarData, axisName, series string, so ...charts.SeriesOpts) map[string]any {
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithAnimation(false),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "56", Top: "24", Bottom: "24", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: axisName}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}),
	)
	bar.SetXAxis(names)
	bar.XYReversal()
	bar.AddSeries(series, data, append([]charts.SeriesOpts{
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right"})}, so...)...)
	bar.Validate()
	return bar.JSON()
}

// flowsOption: the form B columns (poor households in and out) as bars.
func flowsOption(ce *query.CommuneEvidence) map[string]any {
	var names []string
	var data []opts.BarData
	for _, it := range ce.Flows.Poor {
		names = append(names, it.Label)
		var v any = emptyValue
		if it.Value != nil {
			v = *it.Value
		}
		data = append(data, opts.BarData{Name: it.Label, Value: v})
	}
	return horizontalBar(names, data, "hộ", "Số hộ", charts.WithItemStyleOpts(opts.ItemStyle{Color: "#4a6fa5"}))
}
