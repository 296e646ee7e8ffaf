package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"

	"rasoat/ingest/problem"
	"rasoat/ingest/vnnum"
)

// DefaultMaxUnzipped bounds what an .xlsx may decompress to. A 500 000-row
// household list unpacks to a few hundred MB of XML; a zip bomb declares
// far more.
const DefaultMaxUnzipped int64 = 2 << 30

// maxRatio is the largest compression ratio an entry bigger than
// ratioFloor may have. Worksheet XML compresses 10–40×; a run of one byte
// compresses about 1 000×, which is what a bomb is made of.
const (
	maxRatio   = 250
	ratioFloor = 16 << 20
)

func (o Options) maxUnzipped() int64 {
	if o.MaxUnzipped > 0 {
		return o.MaxUnzipped
	}
	return DefaultMaxUnzipped
}

// checkZip reads only the zip's central directory, before anything is
// decompressed: the declared sizes must stay within the limit and no large
// entry may compress suspiciously well. Go's zip reader refuses an entry
// that inflates past its declared size, so the declared sizes can be trusted
// once they pass here.
func checkZip(l loc, body []byte, opt Options) *problem.Problem {
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return l.at(problem.EFileUnreadable, problem.Reject, -1, -1, "", err.Error(), "",
			"Không mở được tệp Excel: tệp nén (zip) bị hỏng hoặc không đầy đủ")
	}
	limit := opt.maxUnzipped()
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(limit) || total < f.UncompressedSize64 {
			return l.at(problem.EZipBomb, problem.Reject, -1, -1, "", fmt.Sprintf("%s MB sau giải nén", vnnum.Format(float64(total>>20))),
				fmt.Sprintf("≤ %s MB", vnnum.Format(float64(limit>>20))),
				"Tệp Excel giải nén ra quá lớn (nghi là tệp nén độc hại): không mở")
		}
		if f.UncompressedSize64 > ratioFloor && f.CompressedSize64 > 0 && f.UncompressedSize64/f.CompressedSize64 > maxRatio {
			return l.at(problem.EZipBomb, problem.Reject, -1, -1, "", fmt.Sprintf("%s: nén %d lần", f.Name, f.UncompressedSize64/f.CompressedSize64),
				fmt.Sprintf("≤ %d lần", maxRatio), "Tệp Excel có thành phần nén bất thường (nghi là tệp nén độc hại): không mở")
		}
	}
	return nil
}
