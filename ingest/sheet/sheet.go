// Package sheet reads the official review forms (biểu mẫu) A, B, C and D
// from Excel workbooks and tidy CSV exports into review.Row and
// review.Household values, with every problem located by file, sheet, row
// and column. It is pure Go and knows nothing of the database: matching
// unit names to codes, checking totals and identities, and loading are the
// caller's job (package ingest).
//
// Excel layout handled (see docs/forms.md §2): a title block of up to 12
// rows, a header of 1–3 rows with merged cells, an optional row of column
// numbers, body rows with roman-numeral group rows and total rows, and a
// footer. Several forms stacked in one sheet are read one after another. A
// form continued on another sheet with the same header and no title block
// is read as its own Form whose empty Meta fields are taken from the form
// before it.
package sheet

import (
	"rasoat/ingest/problem"
	"rasoat/review"
)

// Default limits: a whole province's household list in one export (2
// million rows, more households than any province of Đắk Lắk's size has)
// loads without flags; a runaway or hostile file does not. An .xlsx sheet
// holds at most 1 048 576 rows anyway; a list has ~30 columns, a form 15.
const (
	DefaultMaxRows = 5_000_000
	DefaultMaxCols = 200
)

// Options bound and parameterise a read.
type Options struct {
	MaxRows, MaxCols int // 0 = DefaultMaxRows, DefaultMaxCols
	// MaxUnzipped bounds the decompressed size of an .xlsx, checked from
	// the zip directory before anything is inflated; 0 = DefaultMaxUnzipped.
	MaxUnzipped int64
	// Progress, when set, is told the rows read so far of a long sheet or
	// export (every few thousand rows); it must be cheap.
	Progress func(rows int)
	// HashID is the keyed hash of a head of household's ID number (Form D).
	// The raw ID is never returned, logged or kept in any returned struct or
	// problem; when HashID is nil the ID is dropped.
	HashID func(rawID string) string
	// MachineNumbers reads a CSV's numbers as a program writes them ("."
	// the decimal point), for CSV made from a Parquet export; typed CSV
	// follows Vietnamese notation ("1.234" is 1 234).
	MachineNumbers bool
}

func (o Options) maxRows() int {
	if o.MaxRows > 0 {
		return o.MaxRows
	}
	return DefaultMaxRows
}

func (o Options) maxCols() int {
	if o.MaxCols > 0 {
		return o.MaxCols
	}
	return DefaultMaxCols
}

// Poverty standards a title can name (see docs/domain.md).
const (
	StandardQD59  = "QD59_2015"
	StandardND07  = "ND07_2021"
	StandardND351 = "ND351_2025"
)

// Issuer levels.
const (
	LevelProvince = "province"
	LevelDistrict = "district"
	LevelCommune  = "commune"
)

// Meta is what the file itself says about the form; empty values mean the
// file does not say (the command line or upload form may).
type Meta struct {
	Form        review.Form
	Year        int          // 0 when the file does not say
	Stage       review.Stage // "" when the file does not say
	Standard    string       // StandardQD59 | StandardND07 | StandardND351 | ""
	IssuerLevel string       // LevelProvince | LevelDistrict | LevelCommune | ""
	IssuerName  string       // unit name after "UBND <level>", NFC, as printed
}

// Form is one form found in a sheet or CSV file.
type Form struct {
	File, Sheet string // Sheet is "" for CSV
	Meta        Meta
	Fields      []string // form fields found, in column order
	Unknown     []string // header texts of columns not recognised
	// Rows are the A/B/C body rows, total rows included (Total=true); group
	// rows are skipped. A roman-numeral STT row carrying numbers is a
	// subtotal: Total=true with STT set so the caller can tell.
	Rows []review.Row
	// Extra holds, per row (same index as Rows, or as Households for Form
	// D), the text of unknown columns keyed by their header text.
	Extra      []map[string]string
	Households []review.Household // Form D
	// Columns says where each household field was read (Form D): the
	// column letter, or its name in an export; for locating problems the
	// caller finds (a household ID given twice).
	Columns  map[string]string
	Problems problem.List // warnings and rejecting problems of this form
	// Continues is set on a form read from a sheet without a title block
	// of its own that carries on the previous sheet's form of the same
	// kind (one form printed over several sheets): its Meta was taken from
	// that form, and its rows belong to it.
	Continues bool
	// Explain says how every row and column was read (ingest --explain).
	Explain Explanation
}
