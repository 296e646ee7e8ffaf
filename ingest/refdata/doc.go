// Package refdata is the only writer of the reference tables (every table
// named ref_*). Other packages read them; none writes them. The rule is
// enforced by TestOnlyRefdataWritesRefTables (owner_test.go), which scans the
// repository's Go and SQL files for statements writing a ref_ table.
//
// Two kinds of reference data, two sources:
//
// Shipped with rasoat (data/*.csv, embedded; LoadShipped, or LoadShippedTx
// inside the transform's transaction). Each load replaces the whole table:
//
//	ref_standard      data/standards.csv      poverty standards (QĐ 59/2015, NĐ 07/2021, …): lines, indicators, rule
//	ref_cycle         data/cycles.csv         review years: which standard, baseline/default, deadlines
//	ref_target        data/targets.csv        reduction targets per period and unit
//	ref_anomaly_rule  data/anomaly_rules.csv  anomaly rules: family, Vietnamese title, weight, parameters
//
// A deployment may pass its own fs.FS in place of the shipped files
// (transform.Options.Reference).
//
// From officers' files (docs/forms.md §5; `rasoat units import|crosswalk|
// census`, and pipeline.LoadFolder for a folder's units/ directory):
//
//	ref_unit          units lists (ReadUnits, ImportUnits): administrative units with validity intervals
//	ref_unit_import   one row per units list imported (its content fingerprint), so a list is applied once
//	ref_crosswalk     crosswalks between lists (ReadCrosswalk, ImportCrosswalk): old → new code, share, effective date
//	ref_census        census or registry household counts per unit (ReadCensus, ImportCensus), for denominator checks
//
// Units lists are snapshots applied in date order; a crosswalk replaces the
// rows of its effective dates; a census file replaces its own rows. Errors
// keep the codes of package problem so an officer sees file, row and column.
//
// refdata must not import rasoat/ingest: ingest's own tests import
// transform, which imports refdata.
package refdata
