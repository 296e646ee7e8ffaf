package store

import (
	"fmt"
	"os"
	"regexp"
	"strings"
)

// MemoryLimitEnv overrides the DuckDB memory limit of databases opened by
// Open and OpenReadOnly ("6GB", "512MB"; DuckDB's own units).
const MemoryLimitEnv = "RASOAT_MEMORY_LIMIT"

// defaultMemoryCap bounds the default limit: DuckDB's own default (80 % of
// the machine) let a national transform reach 9 GiB resident, more than a
// province office's machine has to spare, while 4 GB with spilling to the
// database's temporary directory costs it little time.
const defaultMemoryCap = 4 << 30

var memoryLimitForm = regexp.MustCompile(`^(?i)\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`)

// memoryLimit is the limit to set: $RASOAT_MEMORY_LIMIT when set, else the
// smaller of 4 GB and half the machine's memory.
func memoryLimit() (string, error) {
	if v := strings.TrimSpace(os.Getenv(MemoryLimitEnv)); v != "" {
		if !memoryLimitForm.MatchString(v) {
			return "", fmt.Errorf("%s=%q không hợp lệ (ví dụ: 4GB, 512MB)", MemoryLimitEnv, v)
		}
		return v, nil
	}
	limit := int64(defaultMemoryCap)
	if total := physicalMemory(); total > 0 && total/2 < limit {
		limit = total / 2
	}
	return fmt.Sprintf("%dMB", limit>>20), nil
}
