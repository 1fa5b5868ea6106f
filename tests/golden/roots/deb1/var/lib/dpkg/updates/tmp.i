Package: zz-ignored
Status: install ok installed
