/** The application's entry point: starts Camel Main with the ingestion routes, beans and configuration. */
package tmdb.ingestion;
