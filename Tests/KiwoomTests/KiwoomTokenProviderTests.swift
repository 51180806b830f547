import Foundation
@testable import Kiwoom
import SokboCore
import Synchronization
import Testing

@Suite struct KiwoomTokenProviderTests {
    /// `expires_dt` for an instant, in KST as the venue sends it.
    static func expires(_ date: Date) -> String {
        let s = KST.secondsIntoDay(date)
        return KST.dayString(date) + String(format: "%02d%02d%02d", s / 3600, s / 60 % 60, s % 60)
    }

    @Test func expiresDtIsAbsoluteKSTAndTheTokenIsRenewedBeforeIt() async throws {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let lifetime = Mutex<TimeInterval>(3_600)
        let calls = Mutex(0)
        let provider = KiwoomTokenProvider(renewalMargin: .seconds(600), now: { now }) {
            let n = calls.withLock { $0 += 1; return $0 }
            var reply = try JSONDecoder().decode(AU10001Response.self, from: Data(#"{"token":"T","token_type":"bearer"}"#.utf8))
            reply.token = "T\(n)"
            reply.expires_dt = Self.expires(now.addingTimeInterval(lifetime.withLock { $0 }))
            return reply
        }
        #expect(try await provider.token() == "T1")
        #expect(try await provider.token() == "T1")
        // A token that expires inside the renewal margin is replaced before use.
        lifetime.withLock { $0 = 300 }
        await provider.invalidate("T1")
        #expect(try await provider.token() == "T2")
        #expect(try await provider.token() == "T3")
        #expect(await provider.issuances == 3)
    }

    @Test func insideTheMarginTheSameTokenIsKeptUntilItExpires() async throws {
        let clock = Mutex(Date(timeIntervalSince1970: 1_790_000_000))
        let calls = Mutex(0)
        // A venue as in §5.3: one token per appkey, handed back unchanged (with its expires_dt) until it expires.
        let issued = Mutex<(token: String, expires: Date)?>(nil)
        let provider = KiwoomTokenProvider(renewalMargin: .seconds(600), now: { clock.withLock { $0 } }) {
            let now = clock.withLock { $0 }
            let n = calls.withLock { $0 += 1; return $0 }
            let current = issued.withLock { current -> (token: String, expires: Date) in
                if let held = current, held.expires > now { return held }
                current = ("T\(n)", now.addingTimeInterval(3_600))
                return current!
            }
            var reply = try JSONDecoder().decode(AU10001Response.self, from: Data("{}".utf8))
            reply.token = current.token
            reply.expires_dt = Self.expires(current.expires)
            return reply
        }
        #expect(try await provider.token() == "T1")
        #expect(calls.withLock { $0 } == 1)
        // 300 s before expires_dt: inside the 600 s margin. Twenty calls ask the venue once; it answers with
        // the same token, which is then kept.
        clock.withLock { $0 += 3_300 }
        for _ in 0..<20 { #expect(try await provider.token() == "T1") }
        #expect(calls.withLock { $0 } == 2)
        clock.withLock { $0 += 299 }
        #expect(try await provider.token() == "T1")
        #expect(calls.withLock { $0 } == 2)
        // At expires_dt the venue issues a new token, renewed normally again.
        clock.withLock { $0 += 1 }
        for _ in 0..<5 { #expect(try await provider.token() == "T3") }
        #expect(calls.withLock { $0 } == 3)
    }

    @Test func aFailedRenewalFallsBackToTheHeldTokenWhileItIsValid() async throws {
        let clock = Mutex(Date(timeIntervalSince1970: 1_790_000_000))
        let start = clock.withLock { $0 }
        let fail = Mutex(false)
        let provider = KiwoomTokenProvider(renewalMargin: .seconds(600), now: { clock.withLock { $0 } }) {
            if fail.withLock({ $0 }) { throw KiwoomError(.rateLimited, apiID: "au10001", message: "HTTP 429", httpStatus: 429) }
            var reply = try JSONDecoder().decode(AU10001Response.self, from: Data("{}".utf8))
            reply.token = "T"
            reply.expires_dt = Self.expires(start.addingTimeInterval(3_600))
            return reply
        }
        #expect(try await provider.token() == "T")
        fail.withLock { $0 = true }
        clock.withLock { $0 += 3_300 }
        #expect(try await provider.token() == "T", "still valid for 300 s")
        clock.withLock { $0 += 300 }
        await #expect(throws: KiwoomError.self) { _ = try await provider.token() }
    }

    @Test func concurrentCallersShareOneIssuanceAndStaleInvalidationsAreIgnored() async throws {
        let calls = Mutex(0)
        let provider = KiwoomTokenProvider(renewalMargin: .seconds(60)) {
            let n = calls.withLock { $0 += 1; return $0 }
            try await Task.sleep(for: .milliseconds(50))
            var reply = try JSONDecoder().decode(AU10001Response.self, from: Data("{}".utf8))
            reply.token = "T\(n)"
            reply.expires_dt = Self.expires(Date().addingTimeInterval(86_400))
            return reply
        }
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 { group.addTask { try await provider.token() } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(tokens == ["T1"] && calls.withLock { $0 } == 1)
        await provider.invalidate("T1")
        await provider.invalidate("T1")
        #expect(try await provider.token() == "T2")
        await provider.invalidate("T1")
        #expect(try await provider.token() == "T2")
        #expect(calls.withLock { $0 } == 2)
    }

    @Test func aReplyWithoutExpiresDtIsADecodingError() async throws {
        let provider = KiwoomTokenProvider(renewalMargin: .seconds(60)) {
            try JSONDecoder().decode(AU10001Response.self, from: Data(#"{"token":"T","expires_in":86400}"#.utf8))
        }
        await #expect(throws: KiwoomError.self) { _ = try await provider.token() }
    }
    @Test func theStatusShowsTheTokensTimesAFailingRenewalAndARefusalButNeverTheToken() async throws {
        let clock = Mutex(Date(timeIntervalSince1970: 1_790_000_000))
        let start = clock.withLock { $0 }
        let fail = Mutex(false)
        let calls = Mutex(0)
        let provider = KiwoomTokenProvider(renewalMargin: .seconds(600), now: { clock.withLock { $0 } }) {
            if fail.withLock({ $0 }) { throw KiwoomError(.transport, apiID: "au10001", message: "connection refused") }
            let n = calls.withLock { $0 += 1; return $0 }
            var reply = try JSONDecoder().decode(AU10001Response.self, from: Data("{}".utf8))
            // The venue of §5.3: the same token until it is refused, then a new one.
            reply.token = n < 3 ? "SECRET-T1" : "SECRET-T2"
            reply.expires_dt = Self.expires(start.addingTimeInterval(n < 3 ? 3_600 : 7_200))
            return reply
        }
        var status = await provider.status()
        #expect(status.state == .none && status.issued == 0 && status.issuedAt == nil && status.expiresAt == nil)

        _ = try await provider.token()
        status = await provider.status()
        #expect(status.state == .valid && status.issued == 1)
        #expect(status.issuedAt == start && status.expiresAt == start.addingTimeInterval(3_600))
        #expect(status.renewsAt == start.addingTimeInterval(3_000))

        // Inside the renewal margin: due, renewed by the next request.
        clock.withLock { $0 += 3_100 }
        #expect(await provider.status().state == .renewalDue)
        // The renewal fails: the held token still serves, and the status says failing, with the error and
        // the held token's expiry (the dashboard's red "about to expire without renewal").
        fail.withLock { $0 = true }
        #expect(try await provider.token() == "SECRET-T1")
        status = await provider.status()
        #expect(status.state == .failing)
        #expect(status.lastIssueFailure?.error == "transport: connection refused")
        #expect(status.lastIssueFailure?.at == start.addingTimeInterval(3_100))
        #expect(status.expiresAt == start.addingTimeInterval(3_600))
        // It works again: the same token comes back (same issue time), kept to its expiry; not failing any more.
        fail.withLock { $0 = false }
        #expect(try await provider.token() == "SECRET-T1")
        status = await provider.status()
        #expect(status.state == .valid && status.lastIssueFailure == nil && status.issued == 2)
        #expect(status.issuedAt == start && status.renewsAt == start.addingTimeInterval(3_600))

        // The venue refuses it on an order: recorded with its code; the next request issues a new one.
        await provider.refused("SECRET-T1", apiID: "kt10000", code: "8005", message: "인증에 실패했습니다[8005:Token이 유효하지 않습니다]")
        status = await provider.status()
        #expect(status.state == .none && status.refusals == 1 && status.issuedAt == nil)
        #expect(status.lastRefusal?.apiID == "kt10000" && status.lastRefusal?.code == "8005")
        clock.withLock { $0 += 10 }
        #expect(try await provider.token() == "SECRET-T2")
        status = await provider.status()
        #expect(status.state == .valid && status.issued == 3 && status.issuedAt == start.addingTimeInterval(3_110))
        #expect(status.expiresAt == start.addingTimeInterval(7_200))

        // Past its expires_dt with no request since: expired (the next request issues a new one), not failing.
        clock.withLock { $0 += 7_200 }
        #expect(await provider.status().state == .expired)
        // Never the token itself.
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let json = String(decoding: try encoder.encode(await provider.status()), as: UTF8.self)
        #expect(!json.contains("SECRET"))
    }
}
