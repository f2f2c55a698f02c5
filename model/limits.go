package model

// MaxPageSize is the one size limit of a page, everywhere: a fetched body,
// a saved page read by ingest or convert, what the extractor accepts. It is
// large enough for a SingleFile page with its images inline. A page over it
// is refused before anything of it is stored.
const MaxPageSize = 64 << 20
