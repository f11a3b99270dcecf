package web

import (
	"io/fs"
)

// filesOnly serves the embedded assets' files and hides their folders:
// http.FileServer lists a folder's contents when asked for it, which tells a
// stranger what the app is built from and helps nobody. A folder opens as
// fs.ErrNotExist, so the file server answers 404.
type filesOnly struct{ fsys fs.FS }

func (f filesOnly) Open(name string) (fs.File, error) {
	file, err := f.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	info, err := file.Stat()
	if err != nil || info.IsDir() {
		_ = file.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return file, nil
}
