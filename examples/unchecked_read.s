# A buggy plugin: it reads the 4 bytes at offset 60 of its memory without
# comparing 60 + 4 with the length in r2 first. On a 54-byte packet that is
# past the end; checked mode stops it with an error naming the instruction.
mov %r0, 0
ldxw %r0, [%r1+60]
exit
