import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import SokboCore
import Synchronization

/// Alerts and remote control, off the trading path: reads the live events it needs (a subscription of
/// its own that takes only the kinds it maps), polls the status sources for venue trouble and the daily
/// summary, and hands each message to every destination's outbox, which sends it on its own task.
/// Nothing here is awaited by trading: the event hub never waits on a subscriber, and `enqueue` never waits.
///
/// The events are read in batches, every `eventReadInterval` (100 ms by default), from a polled subscription:
/// publishing then only appends to the alerts' buffer and never wakes their task, where an awaited stream made
/// the engine schedule the alerts' reader for each order event — right before the order is sent, for its
/// `submitted` event — and the reader's mapping and formatting run beside the engine on a 2-core box. A
/// message is at most that much later; Telegram takes one a second per chat anyway.
public final class AlertService: Service, Sendable {
    private let configuration: AlertsConfiguration
    private let events: EventSource
    private let control: any AlertControl
    private let health: (@Sendable () async -> VenueHealth)?
    private let logger: Logger
    private let redact: @Sendable (String) -> String
    private let now: @Sendable () -> Date
    private let mapper: Mutex<AlertEventMapper>
    private let counts = Mutex(Counts())
    private let bot: TelegramBotClient?
    private let commands: AlertCommands
    /// Every destination: one per Telegram chat, then one per webhook.
    public let outboxes: [AlertOutbox]
    private let chatOutboxes: [Int64: AlertOutbox]

    private struct Counts {
        var messages: [String: Int] = [:]
        var eventsMissed = 0
        var telegram = AlertsStatus.Telegram()
        var reading = EventReading()
    }

    /// Where the events come from: a stream the publisher wakes the reader on, or a polled subscription.
    private enum EventSource: Sendable {
        case woken(AsyncStream<LiveDelivery>)
        case polled(EventHub.Polled, every: Duration)
    }

    /// How the live events were read: how many, in how many reads that found some.
    public struct EventReading: Sendable, Hashable {
        /// Events read.
        public var events = 0
        /// Reads that returned at least one event (with the stream: one per event).
        public var reads = 0
    }

    /// Subscribes to `hub` at once (so nothing published after start-up is missed) for the event kinds
    /// whose alerts are not all `off`; `health` is polled every `healthInterval` for venue trouble.
    public init(configuration: AlertsConfiguration, hub: EventHub, control: any AlertControl,
                health: (@Sendable () async -> VenueHealth)?, http: HTTPClient = .shared, logger: Logger,
                redact: @escaping @Sendable (String) -> String = { $0 }, now: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        let mapper = AlertEventMapper(modes: configuration.modes)
        self.mapper = Mutex(mapper)
        if configuration.eventReadInterval > .zero {
            self.events = .polled(hub.subscribePolled(kinds: mapper.subscribedKinds(), capacity: configuration.eventCapacity),
                                  every: configuration.eventReadInterval)
        } else {
            self.events = .woken(hub.subscribe(kinds: mapper.subscribedKinds()))
        }
        self.control = control
        self.health = health
        self.logger = logger
        self.redact = redact
        self.now = now
        self.commands = AlertCommands(control: control, now: now)
        var outboxes: [AlertOutbox] = []
        var chats: [Int64: AlertOutbox] = [:]
        if let telegram = configuration.telegram {
            let bot = TelegramBotClient(baseURL: telegram.baseURL, token: telegram.token, http: http)
            self.bot = bot
            let shared = SharedPacer(perSecond: configuration.telegramOverallPerSecond)
            for (index, chat) in telegram.chatIDs.enumerated() {
                // A group (negative id) takes at most 20 messages a minute from a bot (Bot FAQ); a private chat about one a second.
                var policy = configuration.telegramPolicy
                if chat < 0 { policy.perSecond = min(policy.perSecond, 20.0 / 60) }
                let outbox = AlertOutbox(type: "telegram", name: "telegram chat \(index + 1)", policy: policy,
                                         shared: shared, logger: logger, redact: redact) { message in
                    await bot.sendMessage(chat: chat, text: message.text, silent: message.silent)
                }
                outboxes.append(outbox)
                chats[chat] = outbox
            }
        } else {
            self.bot = nil
        }
        for (index, webhook) in configuration.webhooks.enumerated() {
            let client = WebhookClient(url: webhook.url, host: webhook.host, format: webhook.format, http: http)
            outboxes.append(AlertOutbox(type: "webhook", name: "webhook \(index + 1) (\(client.host), \(webhook.format.rawValue))",
                                        policy: configuration.webhookPolicy, logger: logger, redact: redact) { message in
                await client.post(message)
            })
        }
        self.outboxes = outboxes
        self.chatOutboxes = chats
    }

    /// Runs the event reader, the status poller, the bot's long poll and every outbox until graceful shutdown.
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            for outbox in outboxes {
                group.addTask { await cancelWhenGracefulShutdown { await outbox.run() } }
            }
            group.addTask { await cancelWhenGracefulShutdown { await self.readEvents() } }
            group.addTask { await cancelWhenGracefulShutdown { await self.pollStatus() } }
            if let bot {
                group.addTask { await cancelWhenGracefulShutdown { await self.pollCommands(bot) } }
            }
        }
    }

    /// Hands a message to every destination (a command's reply only to its chat), without waiting.
    public func dispatch(_ message: AlertMessage) {
        var message = message
        message.text = redact(message.text)
        counts.withLock { $0.messages[message.kind.rawValue, default: 0] += 1 }
        if let chat = message.chatID {
            chatOutboxes[chat]?.enqueue(message)
            return
        }
        for outbox in outboxes { outbox.enqueue(message) }
    }

    /// The status section.
    public func status() -> AlertsStatus {
        let (counts, unmapped, modes) = (self.counts.withLock { $0 }, mapper.withLock { $0.unmapped }, mapper.withLock { mapper in
            Dictionary(uniqueKeysWithValues: AlertKind.configurable.map { ($0.rawValue, mapper.mode($0).rawValue) })
        })
        return AlertsStatus(telegram: bot == nil ? nil : counts.telegram, destinations: outboxes.map { $0.status() },
                            messages: counts.messages, unmappedEvents: unmapped, eventsMissed: counts.eventsMissed, modes: modes)
    }

    /// How the live events have been read so far.
    public func eventReading() -> EventReading { counts.withLock { $0.reading } }

    // MARK: - Loops

    private func readEvents() async {
        switch events {
        case .woken(let stream):
            for await delivery in stream { handle([delivery]) }
        case .polled(let subscription, let interval):
            while !Task.isCancelled {
                handle(subscription.take())
                do { try await Task.sleep(for: interval) } catch { break }
            }
            // What was published since the last read still gets its messages queued.
            handle(subscription.take())
            subscription.cancel()
        }
    }

    /// Maps a batch of deliveries (one lock for the whole batch) and queues their messages.
    private func handle(_ deliveries: [LiveDelivery]) {
        guard !deliveries.isEmpty else { return }
        var missed = 0
        var events = 0
        let messages = mapper.withLock { mapper in
            deliveries.flatMap { delivery -> [AlertMessage] in
                switch delivery {
                case .gap(let count):
                    missed += count
                    return []
                case .event(let event):
                    events += 1
                    return mapper.messages(for: event)
                }
            }
        }
        counts.withLock { counts in
            counts.eventsMissed += missed
            counts.reading.events += events
            if events > 0 { counts.reading.reads += 1 }
        }
        if missed > 0 { logger.warning("alerts fell behind the live events", metadata: ["missed": "\(missed)"]) }
        for message in messages { dispatch(message) }
    }

    private func pollStatus() async {
        var detector = VenueTroubleDetector(newsDownAfter: configuration.newsDownAfterSeconds, broker: configuration.brokerTrouble)
        var schedule = DailySummarySchedule(secondsIntoDay: configuration.dailySummarySecondsIntoDay)
        let troubleModes = mapper.withLock { mapper in
            Dictionary(uniqueKeysWithValues: [AlertKind.venue, .kiwoomToken, .kiwoomPacing].map { ($0, mapper.mode($0)) })
        }
        let summaryMode = mapper.withLock { $0.mode(.dailySummary) }
        while !Task.isCancelled {
            let at = now()
            if let health, troubleModes.values.contains(where: { $0 != .off }) {
                for notice in detector.observe(await health(), at: at) {
                    let mode = troubleModes[notice.kind] ?? .on
                    guard mode != .off else { continue }
                    dispatch(AlertMessage(kind: notice.kind, text: notice.text, silent: mode == .silent, createdAt: at))
                }
            }
            if summaryMode != .off, schedule.isDue(at: at) {
                let orders = await control.todaysOrders()
                if !orders.isEmpty {
                    let text = DailySummary.text(title: "📊 장 마감 요약 \(KST.dayString(at))", orders: orders, trades: await control.closedTrades())
                    dispatch(AlertMessage(kind: .dailySummary, text: text, silent: summaryMode == .silent, createdAt: at))
                }
            }
            do { try await Task.sleep(for: configuration.healthInterval) } catch { return }
        }
    }

    private func pollCommands(_ bot: TelegramBotClient) async {
        guard let telegram = configuration.telegram else { return }
        let allowed = Set(telegram.chatIDs)
        var offset: Int?
        var failures = 0
        while !Task.isCancelled {
            let updates: [TelegramBotClient.Update]
            do {
                updates = try await bot.getUpdates(offset: offset, timeout: telegram.pollTimeoutSeconds)
                failures = 0
                counts.withLock { $0.telegram.state = "polling" }
            } catch {
                if Task.isCancelled { break }
                failures += 1
                let text = redact(String(describing: error))
                counts.withLock { counts in
                    counts.telegram.state = "failing"
                    counts.telegram.pollFailures += 1
                    counts.telegram.lastError = text
                }
                if failures == 1 { logger.warning("telegram getUpdates failed", metadata: ["error": "\(text)"]) }
                let retryAfter = (error as? TelegramBotClient.Failure)?.retryAfter
                let wait = retryAfter.map { Duration.seconds($0) } ?? min(.seconds(30), .seconds(1) * (1 << min(failures - 1, 5)))
                do { try await Task.sleep(for: wait) } catch { break }
                continue
            }
            for update in updates {
                offset = max(offset ?? 0, update.update_id + 1)
                counts.withLock { $0.telegram.updates += 1 }
                guard let message = update.message, allowed.contains(message.chat.id) else {
                    // Another chat (or not a message): ignored, never answered, counted. Its id is not logged.
                    counts.withLock { $0.telegram.ignoredUpdates += 1 }
                    continue
                }
                guard let text = message.text, text.hasPrefix("/") else { continue }
                let reply = await commands.handle(text, chat: message.chat.id)
                counts.withLock { $0.telegram.commands += 1 }
                dispatch(AlertMessage(kind: .command, text: reply, chatID: message.chat.id, createdAt: now()))
            }
        }
        counts.withLock { $0.telegram.state = "stopped" }
    }
}
