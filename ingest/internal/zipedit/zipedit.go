// Package zipedit rewrites the entries of a zip archive: the test
// generators use it to put into a workbook what excelize will not write
// (a formula's cached value, or none). Imported by test generators only.
package zipedit

import (
	"archive/zip"
	"bytes"
	"io"
)

// Rewrite copies a zip, passing every entry through edit.
func Rewrite(data []byte, edit func(name string, b []byte) []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(edit(zf.Name, b)); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
