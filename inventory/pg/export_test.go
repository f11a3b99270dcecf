package pg

// ReadBoardBy makes every column of a board be read by walking its index
// ("walk") or by sorting its matching cards ("gather"), so a test can check
// both give the same board; it returns the function that restores the
// store's own choice.
func ReadBoardBy(how string) (restore func()) {
	old := boardReading
	boardReading = how
	return func() { boardReading = old }
}

// ValidateSync is the check ApplySync makes of its input before any write.
var ValidateSync = validateSync
