package synth

import (
	"strconv"

	"rasoat/review"
)

// truthFields are the value columns of truth/commune_year.csv: every field of
// forms A, B and C once (poor_end and near_poor_end appear in two forms).
func truthFields() []review.Field {
	seen := map[string]bool{}
	var out []review.Field
	for _, f := range []review.Form{review.FormA, review.FormB, review.FormC} {
		for _, fd := range review.Fields(f) {
			if !seen[fd.Name] {
				seen[fd.Name] = true
				out = append(out, fd)
			}
		}
	}
	return out
}

// truthRows is what the forms and exports say, one row per (year, standard,
// stage, unit), in cycle, stage and code order. Planted anomalies are
// included as printed.
func (ds *dataset) truthRows() [][]string {
	fields := truthFields()
	head := []string{"year", "standard", "stage", "unit_code", "unit_name", "district_code"}
	for _, f := range fields {
		head = append(head, f.Name)
	}
	rows := [][]string{head}
	for ci := range ds.cycles {
		for si := range stages() {
			for _, r := range ds.recs[ci][si] {
				row := []string{strconv.Itoa(r.Year), r.Standard, string(r.Stage), r.Code, r.Name, r.DistrictCode}
				for _, f := range fields {
					row = append(row, fieldString(r, f))
				}
				rows = append(rows, row)
			}
		}
	}
	return rows
}

func (ds *dataset) anomalyRows() [][]string {
	ds.sortAnomalies()
	rows := [][]string{{"year", "stage", "unit_code", "kind", "detail"}}
	for _, a := range ds.anomalies {
		rows = append(rows, []string{strconv.Itoa(a.Year), string(a.Stage), a.Code, a.Kind, a.Detail})
	}
	return rows
}

func (ds *dataset) writeTruth(out string) (files int, err error) {
	if err := writeCSV(out, "truth/commune_year.csv", ds.truthRows(), false); err != nil {
		return 0, err
	}
	if err := writeCSV(out, "truth/anomalies.csv", ds.anomalyRows(), false); err != nil {
		return 1, err
	}
	return 2, nil
}
