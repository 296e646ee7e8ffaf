package ingest

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"strings"
)

// unitAliases is the alias table of unit names officers write that the
// normaliser cannot derive from the official name (abbreviations, old names,
// spellings without the diacritic that tells the syllables apart). It is
// data: a new alias is a new line, never a code change.
//
//go:embed unit_aliases.csv
var unitAliasesCSV string

// Aliases returns the shipped alias table: alias → unit code.
func Aliases() (map[string]string, error) {
	recs, err := csv.NewReader(strings.NewReader(unitAliasesCSV)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("unit_aliases.csv: %w", err)
	}
	if len(recs) == 0 || len(recs[0]) < 2 || recs[0][0] != "alias" || recs[0][1] != "unit_code" {
		return nil, fmt.Errorf("unit_aliases.csv: header must start with alias,unit_code")
	}
	out := make(map[string]string, len(recs)-1)
	for i, r := range recs[1:] {
		a, code := strings.TrimSpace(r[0]), strings.TrimSpace(r[1])
		if a == "" || code == "" {
			return nil, fmt.Errorf("unit_aliases.csv line %d: empty alias or code", i+2)
		}
		out[a] = code
	}
	return out, nil
}
