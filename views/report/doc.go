// Package report writes the readiness report management forwards: a PDF of
// a few pages, an XLSX workbook with every account, and a streamed CSV of
// the account list. It lays out what views/readiness words, the same words
// and figures as the readiness page and the e-mail. It knows no database
// and no HTTP: it takes an inventory.Readiness and, for the account lists,
// a function that yields the accounts one at a time, so 100,000 of them are
// never held in memory.
package report
