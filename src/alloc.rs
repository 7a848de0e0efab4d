//! Settings of the allocator that the `kg` binary and the benchmarks use
//! (mimalloc).

/// mimalloc's `mi_option_purge_delay` (its position in `mi_option_e`;
/// mimalloc documents the options by number, not as stable constants).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps freed pages with the process instead of handing them back to the
/// operating system after 10 ms. A grouping query allocates and frees
/// tens of megabytes; handed back, every later statement of a script or
/// shell session pays for the kernel zeroing them again (a third of the
/// time of a top-owners query at 100,000 entities). Peak memory is
/// unchanged. Call at start-up, before other threads exist.
pub fn keep_freed_pages() {
    // SAFETY: sets one integer option that mimalloc reads when it decides
    // whether to purge. mimalloc does not lock option writes, which is
    // why this is documented to be called at start-up, before threads.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}
