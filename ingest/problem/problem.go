// Package problem is how ingest tells an officer what is wrong with a file:
// a stable code, where (file, sheet, row, column, cell), what was found, what
// was expected, and a message in Vietnamese.
package problem

import (
	"fmt"
	"strings"
)

// Severity says what a problem does to the file.
type Severity string

const (
	// Reject: the file is refused whole and the database is left as it was.
	Reject Severity = "error"
	// Finding: the file loads; the problem is recorded for the data-quality views.
	Finding Severity = "finding"
	// Warning: the file loads; the officer is told (e.g. a blank count read as 0).
	Warning Severity = "warning"
)

// Stable codes. Scripts and the upload page rely on them: never rename one.
const (
	EFileUnreadable    = "E_FILE_UNREADABLE"
	EFileFormat        = "E_FILE_FORMAT"      // not xlsx/csv/parquet (e.g. .xls: save as .xlsx)
	EFileEmpty         = "E_FILE_EMPTY"       // 0 bytes
	ENoForm            = "E_NO_FORM"          // no sheet looks like form A, B, C or D
	EHeaderNotFound    = "E_HEADER_NOT_FOUND" // header row(s) not found
	EColumnMissing     = "E_COLUMN_MISSING"   // a required column is absent
	EColumnDuplicate   = "E_COLUMN_DUPLICATE"
	ECountNotNumber    = "E_COUNT_NOT_NUMBER"
	ECountNegative     = "E_COUNT_NEGATIVE"
	ECountNotWhole     = "E_COUNT_NOT_WHOLE"
	EUnitUnknown       = "E_UNIT_UNKNOWN"
	EUnitAmbiguous     = "E_UNIT_AMBIGUOUS"
	EUnitDuplicate     = "E_UNIT_DUPLICATE"
	EYearMissing       = "E_YEAR_MISSING"
	EStageMissing      = "E_STAGE_MISSING"
	EUnitMissing       = "E_UNIT_MISSING" // reporting unit not stated
	EFormMissing       = "E_FORM_MISSING"
	EMetaConflict      = "E_META_CONFLICT" // file says one thing, flags another
	ECycleUnknown      = "E_CYCLE_UNKNOWN" // no review cycle for the year/standard
	EValueInvalid      = "E_VALUE_INVALID" // a code value (stage, area, class…) not recognised
	ETooLarge          = "E_TOO_LARGE"
	ETooManyRows       = "E_TOO_MANY_ROWS"
	ETooManyColumns    = "E_TOO_MANY_COLUMNS"
	EZipBomb           = "E_ZIP_BOMB"
	ENoRows            = "E_NO_ROWS"
	ECountTooLarge     = "E_COUNT_TOO_LARGE"       // past a plausible bound (never wraps to a negative)
	EPartExceedsTotal  = "E_PART_EXCEEDS_TOTAL"    // poor > households, em_poor > em_households…
	EOutflowExceeds    = "E_OUTFLOW_EXCEEDS_STOCK" // outflows > the stock at the start
	EHouseholdDup      = "E_HOUSEHOLD_DUPLICATE"   // one household_id twice in one commune's list
	EHeadIDDup         = "E_HEAD_ID_DUPLICATE"     // one head's ID number twice in one list
	EFewerUnits        = "E_FEWER_UNITS"           // covers fewer units than the file it supersedes, without --partial
	ETooManyProblems   = "E_TOO_MANY_PROBLEMS"     // the list was cut: how many more there are
	EStageApproved     = "E_STAGE_APPROVED"        // approved figures come from approval, never from a file
	EUnitLocked        = "E_UNIT_LOCKED"           // the unit's figures are approved and locked
	EOutOfScope        = "E_OUT_OF_SCOPE"          // a unit outside the officer's own
	WBlankCount        = "W_BLANK_COUNT"           // blank or "-" read as 0
	WUnknownColumn     = "W_UNKNOWN_COLUMN"        // kept in raw extra, reported
	FTotalMismatch     = "F_TOTAL_MISMATCH"        // a total row ≠ the sum of its rows
	FFlowIdentity      = "F_FLOW_IDENTITY"         // form B/C identity broken
	FRateMismatch      = "F_RATE_MISMATCH"         // printed rate ≠ recomputed ± 0,01
	FPartExceedsTotal  = "F_PART_EXCEEDS_TOTAL"
	FIncomeDeprivation = "F_INCOME_DEPRIVATION_SUM"
)

// Problem is one thing wrong with a file.
type Problem struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	File     string   `json:"file,omitempty"`
	Sheet    string   `json:"sheet,omitempty"`
	Row      int      `json:"row,omitempty"`    // 1-based; 0 when the problem is not in a row
	Column   string   `json:"column,omitempty"` // column letter (Excel) or name (CSV)
	Field    string   `json:"field,omitempty"`  // the form field, when known
	Value    string   `json:"value,omitempty"`  // what was found
	Expected string   `json:"expected,omitempty"`
	Message  string   `json:"message"` // Vietnamese, for the officer
}

// Error renders the problem on one line: where, code, message.
func (p *Problem) Error() string {
	var where []string
	if p.File != "" {
		where = append(where, p.File)
	}
	if p.Sheet != "" {
		where = append(where, "sheet "+p.Sheet)
	}
	if p.Row > 0 {
		where = append(where, fmt.Sprintf("dòng %d", p.Row))
	}
	if p.Column != "" {
		where = append(where, "cột "+p.Column)
	}
	s := strings.Join(where, ", ")
	if s != "" {
		s += ": "
	}
	s += p.Code + ": " + p.Message
	if p.Value != "" {
		s += fmt.Sprintf(" (giá trị: %q", p.Value)
		if p.Expected != "" {
			s += "; cần: " + p.Expected
		}
		s += ")"
	} else if p.Expected != "" {
		s += " (cần: " + p.Expected + ")"
	}
	return s
}

// New builds a rejecting problem.
func New(code, format string, args ...any) *Problem {
	return &Problem{Code: code, Severity: Reject, Message: fmt.Sprintf(format, args...)}
}

// List collects problems; it is an error when any of them rejects the file.
type List []*Problem

// Rejects reports whether the file must be refused.
func (l List) Rejects() bool {
	for _, p := range l {
		if p.Severity == Reject {
			return true
		}
	}
	return false
}

// First returns the first rejecting problem, or nil.
func (l List) First() *Problem {
	for _, p := range l {
		if p.Severity == Reject {
			return p
		}
	}
	return nil
}
