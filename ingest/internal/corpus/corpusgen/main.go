// Command corpusgen writes the ingest test corpus (see package corpus):
//
//	go generate ./ingest
package main

import (
	"flag"
	"fmt"
	"os"

	"rasoat/ingest/internal/corpus"
)

func main() {
	out := flag.String("out", "testdata/corpus", "directory to write the corpus to")
	flag.Parse()
	if err := corpus.Write(*out); err != nil {
		fmt.Fprintln(os.Stderr, "corpusgen:", err)
		os.Exit(1)
	}
}
