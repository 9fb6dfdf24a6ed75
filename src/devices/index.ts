// Loads every device so that each registers itself (devfs lists the registry).
import './null';
import './zero';
import './full';
import './random';

export { registeredDevices, registerDevice, type DeviceSpec } from './registry';
