package dashboards

import (
	"math"
	"sort"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"rasoat/query"
)

// The chart options are built with go-echarts' structs and handed to the
// page as data (a JSON object inside <script type="application/json">);
// app.js adds the Vietnamese number formatters, which are functions and so
// cannot travel as JSON. Animation is off: the page must be quick on an old
// laptop and a still chart is what a leader reads.

// emptyValue is ECharts' marker for "no value here": a series has a gap, not
// a zero, in the years another standard covers.
const emptyValue = "-"

// trendOption draws one line per poverty standard, so a change of standard
// is a break between two lines and never a drop along one, and a vertical
// mark at the first year of every series after the first.
func trendOption(ov *query.Overview) map[string]any {
	pts := make([]ratePoint, len(ov.Trend))
	for i, p := range ov.Trend {
		pts[i] = ratePoint{Year: p.Year, Standard: p.Standard, Rate: p.PoorRate}
	}
	return standardSeriesOption(pts)
}

// ratePoint is one poor rate of one year under one standard.
type ratePoint struct {
	Year     int
	Standard string
	Rate     float64
}

// standardSeriesOption draws poor rates by year as one line per standard
// (in the order the points first name them), with a vertical mark where
// every series after the first starts. The overview's province trend and the
// commune page's history share it, so a break is drawn alike everywhere.
func standardSeriesOption(pts []ratePoint) map[string]any {
	var years []int
	seen := map[int]bool{}
	var stds []string
	var top float64
	byStd := map[string]map[int]float64{}
	for _, p := range pts {
		if !seen[p.Year] {
			seen[p.Year] = true
			years = append(years, p.Year)
		}
		if byStd[p.Standard] == nil {
			byStd[p.Standard] = map[int]float64{}
			stds = append(stds, p.Standard)
		}
		byStd[p.Standard][p.Year] = round2(p.Rate)
		top = max(top, p.Rate)
	}
	sort.Ints(years)
	cats := make([]string, len(years))
	for i, y := range years {
		cats[i] = strconv.Itoa(y)
	}

	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithAnimation(false),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "0"}),
		charts.WithGridOpts(opts.Grid{Left: "48", Right: "24", Top: "40", Bottom: "32", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "Tỷ lệ hộ nghèo (%)", Min: 0, Max: headroom(top)}),
	)
	line.SetXAxis(cats)
	for i, std := range stds {
		data := make([]opts.LineData, len(years))
		first := 0
		for j, y := range years {
			v, ok := byStd[std][y]
			if !ok {
				data[j] = opts.LineData{Value: emptyValue}
				continue
			}
			if first == 0 {
				first = y
			}
			data[j] = opts.LineData{Value: v}
		}
		so := []charts.SeriesOpts{
			charts.WithLineChartOpts(opts.LineChart{ConnectNulls: opts.Bool(false), ShowSymbol: opts.Bool(true), SymbolSize: 7}),
			charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "top"}),
		}
		if i > 0 {
			so = append(so,
				charts.WithMarkLineNameXAxisItemOpts(opts.MarkLineNameXAxisItem{
					Name: "Đổi chuẩn", XAxis: strconv.Itoa(first),
				}),
				charts.WithMarkLineStyleOpts(opts.MarkLineStyle{
					Symbol:    []string{"none", "none"},
					Label:     &opts.Label{Show: opts.Bool(true), Position: "end", Formatter: "Đổi chuẩn: " + standardLabel(std)},
					LineStyle: &opts.LineStyle{Type: "dashed", Color: "#888", Width: 1},
				}),
			)
		}
		line.AddSeries(standardLabel(std), data, so...)
	}
	line.Validate()
	return line.JSON()
}

// rankingOption is a horizontal bar chart of the units by poor rate, the
// highest at the top, with the province's rate as a vertical mark.
func rankingOption(ov *query.Overview) map[string]any {
	names := make([]string, len(ov.Ranking))
	data := make([]opts.BarData, len(ov.Ranking))
	for i, u := range ov.Ranking {
		names[i] = u.Name
		data[i] = opts.BarData{Name: u.Name, Value: round2(u.PoorRate)}
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithAnimation(false),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "56", Top: "24", Bottom: "24", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: "%", Min: 0}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}),
	)
	bar.SetXAxis(names)
	bar.XYReversal()
	bar.AddSeries("Tỷ lệ hộ nghèo (%)", data,
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right"}),
		charts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "30%"}),
		charts.WithMarkLineNameXAxisItemOpts(opts.MarkLineNameXAxisItem{Name: "Toàn tỉnh", XAxis: round2(ov.PoorRate)}),
		charts.WithMarkLineStyleOpts(opts.MarkLineStyle{
			Symbol: []string{"none", "none"},
			// The category axis is inverted (highest first), which puts
			// the line's start at the top: label it there, clear of the axis.
			Label:     &opts.Label{Show: opts.Bool(true), Position: "start", Formatter: "Toàn tỉnh"},
			LineStyle: &opts.LineStyle{Type: "dashed", Color: "#c0392b", Width: 1},
		}),
	)
	bar.Validate()
	return bar.JSON()
}

// rankingHeight gives the ranking chart room for every unit (102 communes
// need a tall chart; the page scrolls rather than hiding units).
func rankingHeight(n int) int { return max(200, 60+22*n) }

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// headroom is the y-axis maximum for a trend: a quarter above the highest
// rate, rounded up to a multiple of 5, so the break label at the top of the
// chart never sits on a data label.
func headroom(top float64) float64 {
	return max(5, math.Ceil(top*1.25/5)*5)
}
