// Package review holds the vocabulary of the annual review of poor and
// near-poor households (rà soát hộ nghèo, hộ cận nghèo): stages, form kinds
// and the fields each official form carries. It has no dependencies, so the
// sample generator, the ingestors and the transforms all speak the same words
// without importing one another.
package review
