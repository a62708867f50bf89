/** Typed bindings to the Linux system calls Berth makes from Java, through the FFM API. */
module dev.berth.linux {
    exports dev.berth.linux;
}
