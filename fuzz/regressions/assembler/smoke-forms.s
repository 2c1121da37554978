# every operand shape of the syntax
start:
  mov32 %r0, 1
  lddw %r1, 0x1122334455667788
  lddw %r2, map 0
  lddw %r3, map_value 0+8
  ldxh %r4, [%r1+2]
  stxdw [%r10-8], %r1
  stw [%r10-16], -1
  lock fetch add [%r10-8], %r1
  jeq %r1, 3, +1
  jne %r1, %r2, start
  call 5
  call %r2
  movsx832 %r0, %r1
  bswap16 %r0
  ja32 +0
  .word 0x0000000000000095
  exit
