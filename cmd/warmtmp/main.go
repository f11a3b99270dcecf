package main
import (
 _ "github.com/microsoftgraph/msgraph-sdk-go"
 _ "github.com/Azure/azure-sdk-for-go/sdk/azidentity"
 _ "github.com/labstack/echo/v4"
 _ "github.com/a-h/templ"
 _ "github.com/jackc/pgx/v5"
 _ "github.com/pressly/goose/v3"
 _ "github.com/riverqueue/river"
 _ "github.com/riverqueue/river/riverdriver/riverpgxv5"
 _ "github.com/peterldowns/pgtestdb"
)
func main(){}
