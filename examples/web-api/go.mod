module example.com/web-api

go 1.26
