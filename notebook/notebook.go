// Package notebook reads and writes analysts' SQL notebooks: plain .sql
// files that any SQL tool can open, cut into cells by comment markers
// (the "percent" format of Jupytext and VS Code, in SQL comments):
//
//	-- %% [markdown]
//	-- # Tỷ lệ hộ nghèo theo năm
//	-- Chuẩn nghèo đa chiều, số liệu được tính.
//	-- %% Tỷ lệ cấp tỉnh
//	SELECT year, poor_rate FROM province_year WHERE counted ORDER BY year;
//
// A line starting with "-- %%" begins a cell. "[markdown]" after the
// marker makes it a markdown cell whose lines are SQL comments ("-- "
// removed when read, added when written); any other text after the marker
// is the cell's title. Text before the first marker is a SQL cell, so a
// plain .sql file is a notebook of one cell. A SQL cell holds one SELECT.
package notebook

import (
	"strings"
)

// Kinds of cell.
const (
	SQL      = "sql"
	Markdown = "markdown"
)

// Cell is one cell of a notebook.
type Cell struct {
	Kind   string `json:"kind"`
	Title  string `json:"title,omitempty"`
	Source string `json:"source"`
}

const marker = "-- %%"

// Parse reads a notebook. It never fails: every text is some notebook.
func Parse(text string) []Cell {
	text = strings.ReplaceAll(strings.TrimPrefix(text, "\ufeff"), "\r\n", "\n")
	var cells []Cell
	cur := Cell{Kind: SQL}
	var lines []string
	started := false
	flush := func() {
		src := strings.Trim(strings.Join(lines, "\n"), "\n")
		if cur.Kind == Markdown {
			src = strings.TrimSpace(src)
		} else {
			src = strings.TrimRight(src, " \t\n")
		}
		if started || strings.TrimSpace(src) != "" {
			cur.Source = src
			cells = append(cells, cur)
		}
		lines = nil
	}
	for _, ln := range strings.Split(text, "\n") {
		if strings.HasPrefix(ln, marker) {
			flush()
			started = true
			rest := strings.TrimSpace(strings.TrimPrefix(ln, marker))
			cur = Cell{Kind: SQL}
			if r, ok := strings.CutPrefix(rest, "[markdown]"); ok {
				cur.Kind, rest = Markdown, strings.TrimSpace(r)
			}
			cur.Title = rest
			continue
		}
		if cur.Kind == Markdown {
			switch {
			case strings.HasPrefix(ln, "-- "):
				ln = ln[3:]
			case strings.HasPrefix(ln, "--"):
				ln = ln[2:]
			}
		}
		lines = append(lines, ln)
	}
	flush()
	return cells
}

// Format writes cells back as a notebook file; Parse(Format(c)) == c for
// cells Parse can produce.
func Format(cells []Cell) string {
	var b strings.Builder
	for i, c := range cells {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(marker)
		if c.Kind == Markdown {
			b.WriteString(" [markdown]")
		}
		if t := strings.TrimSpace(strings.ReplaceAll(c.Title, "\n", " ")); t != "" {
			b.WriteString(" " + t)
		}
		b.WriteString("\n")
		src := strings.ReplaceAll(c.Source, "\r\n", "\n")
		if c.Kind == Markdown {
			for _, ln := range strings.Split(strings.TrimSpace(src), "\n") {
				if ln == "" {
					b.WriteString("--\n")
				} else {
					b.WriteString("-- " + ln + "\n")
				}
			}
			continue
		}
		// A SQL line that looks like a marker would split the cell when read
		// back: a space keeps it one cell and the same SQL.
		for _, ln := range strings.Split(strings.TrimRight(src, " \t\n"), "\n") {
			if strings.HasPrefix(ln, marker) {
				ln = " " + ln
			}
			b.WriteString(ln + "\n")
		}
	}
	return b.String()
}
