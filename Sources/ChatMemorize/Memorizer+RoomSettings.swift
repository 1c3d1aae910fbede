import ChatCore
import ChatStore
import Logging

extension Memorizer {
    /// Keeps a topic or archive state of a known room. Like every v2 event, one for a room
    /// nobody created is ignored (it makes no room known).
    func applyRoomSetting(_ change: RoomSettingChange, to batch: inout StoreBatch) {
        let room: RoomName
        switch change {
        case .topic(let name, _), .archive(let name, _): room = name
        }
        guard state.hasRoom(room) else {
            logger.debug("ignored a room setting for a room nobody created", metadata: ["room": "\(room)"])
            return
        }
        if case .archive = change, room == .main {
            logger.debug("ignored archiving main: it always shows")
            return
        }
        guard roles.contains(.storage) else { return }
        batch.roomChanges.append(change)
    }
}
