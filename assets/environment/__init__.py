"""Environment (monitoring stations): air-quality observations and the VN_AQI the lake computes from them."""
