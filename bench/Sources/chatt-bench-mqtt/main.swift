// chatt-bench-mqtt: publishes or receives N QoS 1 messages as fast as ChatMQTT can, for
// bench/mqtt.sh, which times it next to mosquitto_pub and mosquitto_sub.
//
//   chatt-bench-mqtt publish PORT COUNT   publish COUNT messages to bench/x (100 in flight)
//   chatt-bench-mqtt receive PORT COUNT ID  resume the persistent session ID, receive COUNT
//   chatt-bench-mqtt receive-acked PORT COUNT ID  the same, acknowledging each message after
//                                          handling it (acknowledgement: .afterHandled)
import ChatMQTT
import Foundation

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count >= 3, ["publish", "receive", "receive-acked"].contains(arguments[1]),
      let port = Int(arguments[2]), let count = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: chatt-bench-mqtt publish|receive|receive-acked PORT COUNT [CLIENT-ID]\n".utf8))
    exit(2)
}
let mode = arguments[1]
let clientID = arguments.count > 3 ? arguments[4] : "chatt-bench-\(mode)"
let receives = mode != "publish"
let client = MQTTClient(configuration: MQTTConfiguration(
    host: "127.0.0.1", port: port, clientID: clientID, cleanSession: !receives,
    acknowledgement: mode == "receive-acked" ? .afterHandled : .onReceipt))

if receives {
    var received = 0
    try await client.connect()
    for await _ in client.messages {
        received += 1
        client.acknowledge()
        if received == count { break }
    }
} else {
    try await client.connect()
    let workers = 100
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<workers {
            group.addTask {
                for index in stride(from: worker, to: count, by: workers) {
                    try await client.publish(topic: "bench/x", payload: Array("message \(index)".utf8), qos: .atLeastOnce)
                }
            }
        }
        try await group.waitForAll()
    }
}
await client.disconnect()
