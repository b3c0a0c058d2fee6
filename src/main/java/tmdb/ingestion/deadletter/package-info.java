/** The dead-letter topic: what goes there, with which headers, and how dead letters are exported for replay. */
package tmdb.ingestion.deadletter;
