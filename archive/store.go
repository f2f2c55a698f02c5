package archive

// Store is a flat namespace of named objects ("a/b/c"), the only thing the
// archive needs from a backend. Names use '/' and never start with '/'.
// Get of a missing name returns an error matching fs.ErrNotExist.
type Store interface {
	// Put stores data under name, replacing any previous content atomically:
	// a reader sees the old or the new content, never a mix.
	Put(name string, data []byte) error
	// PutIfAbsent stores data unless name exists; created reports which.
	PutIfAbsent(name string, data []byte) (created bool, err error)
	Get(name string) ([]byte, error)
	// List returns the names starting with prefix, sorted.
	List(prefix string) ([]string, error)
	// Delete removes name; deleting a missing name is not an error.
	Delete(name string) error
}

// Appender is an optional Store capability: durable append of one record.
type Appender interface {
	Append(name string, data []byte) error
}

// Mover is an optional Store capability, needed to migrate an archive of
// the layout before: rename a file or a whole folder at once.
type Mover interface {
	Move(from, to string) error
}

// Checker is an optional Store capability: whether name exists, without
// reading it.
type Checker interface {
	Exists(name string) (bool, error)
}

// IrregularLister is an optional Store capability: what under some
// folders is not a regular file (a symbolic link, a FIFO, a device), which
// verify reports: the store's files are regular files the archive wrote,
// inside it.
type IrregularLister interface {
	Irregular(dirs ...string) ([]Irregular, error)
}

// Irregular is one entry of the store that is not a regular file.
type Irregular struct {
	Name string // store name
	What string // "a symbolic link to …", "a FIFO", …
}
