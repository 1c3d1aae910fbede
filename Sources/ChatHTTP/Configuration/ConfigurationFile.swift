internal import Yams
#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// The YAML config file: reading it, and applying each key to a ``ServerConfiguration``.
///
/// Every key is known in advance; an unknown key or a value of the wrong type is an error
/// that names the key (`config key `http.port`: expected a number, got "80a"`).
/// `sample_configs/chatt.yaml` lists them all.
struct ConfigurationFile {
    let path: String
    let root: Node?

    static func read(_ path: String) throws(ConfigurationError) -> ConfigurationFile {
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigurationError("cannot read config file \(path): no such file")
        }
        guard !isDirectory else { throw ConfigurationError("cannot read config file \(path): it is a directory") }
        let text: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw ConfigurationError("config file \(path): not UTF-8 text")
            }
            text = decoded
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError("cannot read config file \(path): \(error)")
        }
        do {
            return ConfigurationFile(path: path, root: try Yams.compose(yaml: text))
        } catch {
            let detail = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
            throw ConfigurationError("config file \(path) is not valid YAML: \(detail)")
        }
    }
}

/// One value in the file, with the dotted key that names it in errors.
struct ConfigurationValue {
    let key: String
    let node: Node

    private var isNull: Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    private var kind: String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        case .scalar: isNull ? "nothing" : "a value"
        }
    }

    func string(allowEmpty: Bool = true) throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node else { throw .key(key, expected: "a string", gotKind: kind) }
        if isNull {
            guard allowEmpty else { throw .key(key, expected: "a non-empty string", got: "") }
            return ""
        }
        return scalar.string
    }

    func integer(in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        let expected = "a number \(range.lowerBound)–\(range.upperBound)"
        guard case .scalar(let scalar) = node else { throw .key(key, expected: expected, gotKind: kind) }
        guard let value = Int(scalar.string) else { throw .key(key, expected: "a number", got: scalar.string) }
        guard range.contains(value) else { throw .key(key, expected: expected, got: scalar.string) }
        return value
    }

    func stringList() throws(ConfigurationError) -> [(key: String, value: String)] {
        if isNull { return [] }
        guard case .sequence(let sequence) = node else { throw .key(key, expected: "a list", gotKind: kind) }
        var result: [(key: String, value: String)] = []
        for (index, item) in sequence.enumerated() {
            let element = ConfigurationValue(key: "\(key)[\(index)]", node: item)
            result.append((element.key, try element.string(allowEmpty: false)))
        }
        return result
    }

    func mapping() throws(ConfigurationError) -> [(name: String, value: ConfigurationValue)] {
        if isNull { return [] }
        guard case .mapping(let mapping) = node else { throw .key(key, expected: "a mapping", gotKind: kind) }
        var result: [(name: String, value: ConfigurationValue)] = []
        for (name, value) in mapping {
            let nameText = name.string ?? "\(name)"
            let fullKey = key.isEmpty ? nameText : "\(key).\(nameText)"
            result.append((nameText, ConfigurationValue(key: fullKey, node: value)))
        }
        return result
    }
}

extension ServerConfiguration {
    private typealias Setter = @Sendable (inout ServerConfiguration, ConfigurationValue) throws(ConfigurationError) -> Void

    /// Every key the file may hold, by section.
    private static let fileKeys: [(section: String, keys: [(name: String, set: Setter)])] = [
        ("http", [
            ("bind", { config, value throws(ConfigurationError) in config.bind = try value.string(allowEmpty: false) }),
            ("port", { config, value throws(ConfigurationError) in config.port = try value.integer(in: listenPorts) }),
            ("web_root", { config, value throws(ConfigurationError) in
                let root = try value.string()
                config.webRoot = root.isEmpty ? nil : root
            }),
            ("name", { config, value throws(ConfigurationError) in
                let text = try value.string()
                if let problem = ServerConfiguration.nameProblem(text) { throw .key(value.key, expected: problem, got: text) }
                config.name = text
            }),
            ("trusted_proxies", { config, value throws(ConfigurationError) in
                config.trustedProxies = []
                for (key, text) in try value.stringList() {
                    guard let address = PeerAddress(parsing: text) else {
                        throw .key(key, expected: "an IP address", got: text)
                    }
                    config.trustedProxies.append(address)
                }
            }),
            ("max_body_bytes", { config, value throws(ConfigurationError) in
                config.maxBodyBytes = try value.integer(in: bodySizes)
            }),
            ("idle_timeout", { config, value throws(ConfigurationError) in
                config.idleTimeoutSeconds = try value.integer(in: idleTimeouts)
            }),
            ("max_connections", { config, value throws(ConfigurationError) in
                // Empty: automatic (below the open-file limit).
                config.maxConnections = try value.string().isEmpty ? nil : value.integer(in: connectionLimits)
            }),
        ]),
        ("files", [
            ("dir", { config, value throws(ConfigurationError) in
                let directory = try value.string()
                config.filesDirectory = directory.isEmpty ? nil : directory
            }),
            ("max_upload_bytes", { config, value throws(ConfigurationError) in
                config.maxUploadBytes = try value.integer(in: uploadSizes)
            }),
        ]),
        ("database", [
            ("path", { config, value throws(ConfigurationError) in config.databasePath = try value.string(allowEmpty: false) }),
        ]),
        ("broker", [
            ("host", { config, value throws(ConfigurationError) in config.brokerHost = try value.string() }),
            ("ws_port", { config, value throws(ConfigurationError) in config.wsPort = try value.integer(in: brokerPorts) }),
            ("ws_path", { config, value throws(ConfigurationError) in
                let path = try value.string(allowEmpty: false)
                guard path.hasPrefix("/") else { throw .key(value.key, expected: "a path starting with '/'", got: path) }
                config.wsPath = path
            }),
            ("ws_endpoints", { config, value throws(ConfigurationError) in
                config.wsEndpoints = []
                for (key, text) in try value.stringList() {
                    guard let endpoint = WebSocketEndpoint.validated(text) else {
                        throw .key(key, expected: WebSocketEndpoint.expected, got: text)
                    }
                    config.wsEndpoints.append(endpoint)
                }
            }),
            ("tls", { config, value throws(ConfigurationError) in
                let text = try value.string(allowEmpty: false)
                guard let tls = BrokerTLS(rawValue: text.lowercased()) else {
                    throw .key(value.key, expected: "auto, true or false", got: text)
                }
                config.brokerTLS = tls
            }),
        ]),
        ("history", [
            ("page_size", { config, value throws(ConfigurationError) in
                config.historyPageSize = try value.integer(in: historyPageSizes)
            }),
            ("max_rooms", { config, value throws(ConfigurationError) in
                config.maxRooms = try value.integer(in: roomLimits)
            }),
        ]),
        ("auth", [
            ("passphrase", { config, value throws(ConfigurationError) in
                // Derived once the scheme is known (resolveScheme()).
                config.credentials = nil
                config.unresolved.passphrase = .init(value: try value.string(), source: value.key)
            }),
            ("scheme", { config, value throws(ConfigurationError) in
                config.unresolved.name = .init(value: try value.string(allowEmpty: false), source: "config key `\(value.key)`")
            }),
            ("scheme_salt", { config, value throws(ConfigurationError) in
                let salt = try value.string()
                config.unresolved.salt = salt.isEmpty ? nil : .init(value: salt, source: "config key `\(value.key)`")
            }),
        ]),
    ]

    mutating func apply(_ file: ConfigurationFile) throws(ConfigurationError) {
        guard let root = file.root else { return }  // an empty file: nothing to change
        let sections = try ConfigurationValue(key: "", node: root).mapping()
        for (sectionName, sectionValue) in sections {
            guard let section = Self.fileKeys.first(where: { $0.section == sectionName }) else {
                throw .unknownKey(sectionValue.key, known: Self.fileKeys.map(\.section))
            }
            for (name, value) in try sectionValue.mapping() {
                guard let key = section.keys.first(where: { $0.name == name }) else {
                    throw .unknownKey(value.key, known: section.keys.map(\.name))
                }
                try key.set(&self, value)
            }
        }
    }
}
