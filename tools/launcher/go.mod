module github.com/tack/launcher

go 1.22
