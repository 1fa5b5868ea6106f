# Warnings are errors, with a picky list (see ../shared/STYLE.md).
set(SPOOR_WARNINGS
  -Wall -Wextra -Werror
  -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes -Wvla
  -Wwrite-strings -Wimplicit-fallthrough -Wpointer-arith -Wcast-qual
  -Wundef -Wold-style-definition -Wnull-dereference -Wdouble-promotion
  -Wmissing-declarations -Wredundant-decls -Wnested-externs)
