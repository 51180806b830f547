import Foundation

/// The shipped sample day (`samples/sample-day.jsonl`, made by the built-in simulator): what
/// `POST /api/replays {"sample": true}` and the tests replay.
public enum ReplaySample {
    /// The file's path in the package resources; nil when the bundle is missing.
    public static var path: String? {
        Bundle.module.url(forResource: "sample-day", withExtension: "jsonl")?.path
    }
}
