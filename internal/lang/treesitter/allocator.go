package treesitter

/*
#include <stdlib.h>

// Declared here rather than included: the bindings' module carries the
// header, and its object code is linked into the same binary.
extern void ts_set_allocator(
	void *(*new_malloc)(size_t),
	void *(*new_calloc)(size_t, size_t),
	void *(*new_realloc)(void *, size_t),
	void (*new_free)(void *));

static void use_libc_allocator(void) {
	ts_set_allocator(malloc, calloc, realloc, free);
}
*/
import "C"

// The bindings install an allocator that calls from C into Go and back into
// C for every allocation tree-sitter makes, so that Go programs can swap it.
// We never do, and the round trips cost about a fifth of a parse, so the
// core library is pointed straight at libc again. Memory allocated either
// way comes from the same malloc, so trees made before the switch are freed
// correctly after it. This runs after the bindings' own init, since this
// package imports them.
func init() {
	C.use_libc_allocator()
}
