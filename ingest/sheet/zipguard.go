package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"

	"rasoat/ingest/problem"
	"rasoat/ingest/vnnum"
)

// DefaultMaxUnzipped bounds what an .xlsx may decompress to. excelize
// holds every part of up to UnzipXMLSizeLimit in memory, so this bound is
// the reader's real memory cost, not a formality; 1 GiB holds a sheet of
// Excel's own row limit (1 048 576) of a household list, while a bomb is
// caught earlier by its compression ratio.
const DefaultMaxUnzipped int64 = 1 << 30

// maxRatio is the largest compression ratio an entry bigger than
// ratioFloor, or the archive as a whole, may have. Worksheet XML compresses
// 10–40×; a run of one byte compresses about 1 000×, which is what a bomb
// is made of. The floor is low (1 MiB) because a bomb may be made of many
// entries each too small to stand out: 120 entries of 16 MiB once passed a
// 16 MiB floor and cost the server 4,9 GB.
const (
	maxRatio   = 250
	ratioFloor = 1 << 20
	maxEntries = 10_000
)

func (o Options) maxUnzipped() int64 {
	if o.MaxUnzipped > 0 {
		return o.MaxUnzipped
	}
	return DefaultMaxUnzipped
}

// checkZip reads only the zip's central directory, before anything is
// decompressed: the declared sizes, each entry's and their total, must
// stay within the limit excelize is given, and neither a large entry nor
// the archive may compress suspiciously well. Go's zip reader refuses an
// entry that inflates past its declared size, so the declared sizes can be
// trusted once they pass here.
func checkZip(l loc, body []byte, opt Options) *problem.Problem {
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return l.at(problem.EFileUnreadable, problem.Reject, -1, -1, "", err.Error(), "",
			"Không mở được tệp Excel: tệp nén (zip) bị hỏng hoặc không đầy đủ")
	}
	limit := uint64(opt.maxUnzipped())
	tooBig := func(total uint64) *problem.Problem {
		return l.at(problem.EZipBomb, problem.Reject, -1, -1, "", fmt.Sprintf("%s MB sau giải nén", vnnum.Format(float64(total>>20))),
			fmt.Sprintf("≤ %s MB", vnnum.Format(float64(limit>>20))),
			"Tệp Excel giải nén ra quá lớn (nghi là tệp nén độc hại): không mở")
	}
	ratio := func(name string, n uint64) *problem.Problem {
		return l.at(problem.EZipBomb, problem.Reject, -1, -1, "", fmt.Sprintf("%s: nén %d lần", name, n),
			fmt.Sprintf("≤ %d lần", maxRatio), "Tệp Excel có thành phần nén bất thường (nghi là tệp nén độc hại): không mở")
	}
	if len(zr.File) > maxEntries {
		return l.at(problem.EZipBomb, problem.Reject, -1, -1, "", fmt.Sprintf("%d thành phần", len(zr.File)),
			fmt.Sprintf("≤ %d thành phần", maxEntries), "Tệp Excel có quá nhiều thành phần (nghi là tệp nén độc hại): không mở")
	}
	var total, packed uint64
	for _, f := range zr.File {
		if f.UncompressedSize64 > limit {
			return tooBig(f.UncompressedSize64)
		}
		total += f.UncompressedSize64
		packed += f.CompressedSize64
		if total > limit {
			return tooBig(total)
		}
		if f.UncompressedSize64 > ratioFloor && f.UncompressedSize64/max(f.CompressedSize64, 1) > maxRatio {
			return ratio(f.Name, f.UncompressedSize64/max(f.CompressedSize64, 1))
		}
	}
	if total > ratioFloor && total/max(packed, 1) > maxRatio {
		return ratio("toàn tệp", total/max(packed, 1))
	}
	return nil
}
