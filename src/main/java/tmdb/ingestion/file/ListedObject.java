package tmdb.ingestion.file;

import tmdb.ingestion.content.StoredObject;

/** An object a listing of the bucket found, with the type and label of the folder it was listed in. */
public record ListedObject(StoredObject object, String type, String label) {
}
