import ServiceLifecycle

extension Sokbo {
    /// Runs the whole process (HTTP and every service) until `body` returns, then shuts it down
    /// gracefully and waits for the shutdown to finish. `body` gets the bound HTTP port.
    /// Tests and benchmarks use this; `sokbo serve` runs the same application under signal handling.
    public func withRunning<T: Sendable>(_ body: @Sendable (Int) async throws -> T) async throws -> T {
        let group = ServiceGroup(configuration: .init(services: [application], logger: application.logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await boundPort()
            do {
                let result = try await body(port)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }
}
